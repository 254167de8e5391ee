"""Encryption at rest: the key comes from the environment, the file holds no plaintext, a missing or
wrong key fails with our message; key rotation (`dq rekey`) and backups of an encrypted warehouse."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dq_project.cli import app as cli
from dq_project.cli.app import app
from dq_project.governance import encryption, rekey
from dq_project.governance.backup import BackupError, restore_backup
from dq_project.governance.encryption import WarehouseKeyError, table_fingerprints
from dq_project.governance.rekey import RekeyError, rekey_warehouse
from dq_project.settings import PROJECT_ROOT, Settings, SettingsError, load_settings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.warehouse.resource import connect_warehouse, open_warehouse

KEY = "correct horse battery staple"
OTHER_KEY = "another key of sufficient length"
PHONE = "13912345678"  # long enough not to turn up in random bytes by chance
NAME = "Zhangsanfeng-Plaintext"


def encrypted_config(tmp_path: Path) -> Path:
    """dq.toml with [warehouse] encrypted = true."""
    path = tmp_path / "dq_encrypted.toml"
    text = (PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8")
    path.write_text(text + "\n[warehouse]\nencrypted = true\n", encoding="utf-8")
    return path


def encrypted_settings(tmp_path: Path, key: str | None = KEY) -> Settings:
    env = {"DQ_WAREHOUSE_KEY": key} if key else {}
    return load_settings(encrypted_config(tmp_path), home=tmp_path / "home", env=env)


def load_sample(settings: Settings) -> None:
    """One small CRM file with a known phone number and name, loaded into raw."""
    path = settings.landing_dir / "crm" / "crm_2026-01-02.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"customer_id,full_name,mobile\nC1,{NAME},{PHONE}\nC2,李四,13800000000\n", encoding="utf-8"
    )
    con = connect_warehouse(settings)
    load_file(con, settings.source("crm"), LandedFile("crm", path, dt.date(2026, 1, 2)))
    con.close()


def test_key_comes_from_the_environment_only(tmp_path: Path) -> None:
    settings = encrypted_settings(tmp_path)
    assert settings.warehouse.encrypted and settings.warehouse.key.get_secret_value() == KEY
    assert KEY not in repr(settings) and "key" not in settings.model_dump()["warehouse"]
    in_file = tmp_path / "keyed.toml"
    in_file.write_text(encrypted_config(tmp_path).read_text() + f'key = "{KEY}"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="must not hold a key"):
        load_settings(in_file, home=tmp_path, env={})
    with pytest.raises(SettingsError, match="at least 16 characters") as short:
        load_settings(PROJECT_ROOT / "dq.toml", home=tmp_path, env={"DQ_WAREHOUSE_KEY": "secret-short"})
    assert "secret-short" not in str(short.value)


def test_encrypted_file_holds_no_plaintext(tmp_path: Path) -> None:
    plain = load_settings(PROJECT_ROOT / "dq.toml", home=tmp_path / "plain", env={})
    load_sample(plain)
    settings = encrypted_settings(tmp_path)
    load_sample(settings)
    plain_bytes, encrypted_bytes = plain.warehouse_path.read_bytes(), settings.warehouse_path.read_bytes()
    for text in (PHONE, NAME, "customer_rows", "quarantine"):
        assert text.encode() in plain_bytes  # the control: a plain warehouse does hold them
        assert text.encode() not in encrypted_bytes
    con = connect_warehouse(settings, read_only=True)
    assert con.sql("select count(*) from raw.customer_rows").fetchall() == [(2,)]
    assert con.sql("select value from duckdb_settings() where name = 'temp_file_encryption'").fetchall() == [
        ("true",)
    ]
    assert con.sql("select * from duckdb_variables()").fetchall() == []  # the key is not left behind
    con.close()


def test_missing_or_wrong_key_fails_with_a_clear_message(tmp_path: Path) -> None:
    settings = encrypted_settings(tmp_path)
    load_sample(settings)
    with pytest.raises(WarehouseKeyError, match="DQ_WAREHOUSE_KEY is not set"):
        connect_warehouse(encrypted_settings(tmp_path, key=None))
    with pytest.raises(WarehouseKeyError, match="does not open .* wrong key"):
        connect_warehouse(encrypted_settings(tmp_path, key=OTHER_KEY))
    with pytest.raises(WarehouseKeyError, match="is encrypted: set DQ_WAREHOUSE_KEY"):
        open_warehouse(settings.warehouse_path, read_only=True)
    plain = load_settings(PROJECT_ROOT / "dq.toml", home=tmp_path / "home", env={"DQ_WAREHOUSE_KEY": KEY})
    with pytest.raises(WarehouseKeyError, match="encrypted = false"):
        connect_warehouse(plain)
    with pytest.raises(WarehouseKeyError, match="is not encrypted, but a key was given"):
        open_warehouse(tmp_path / "plain.duckdb", key=None).close()
        open_warehouse(tmp_path / "plain.duckdb", key=KEY)


def test_the_command_prints_the_message_not_a_traceback(tmp_path: Path, monkeypatch, capsys) -> None:
    load_sample(encrypted_settings(tmp_path))
    config, home = encrypted_config(tmp_path), tmp_path / "home"
    monkeypatch.setenv("DQ_WAREHOUSE_KEY", OTHER_KEY)
    monkeypatch.setattr(sys, "argv", ["dq", "report", "--config", str(config), "--home", str(home)])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "wrong key" in err and "Traceback" not in err and OTHER_KEY not in err


def test_missing_httpfs_wheel_is_named(monkeypatch) -> None:
    monkeypatch.setattr(encryption, "HTTPFS_PACKAGE", "no_such_httpfs_package")
    with pytest.raises(WarehouseKeyError, match="pip install duckdb-extension-httpfs=="):
        encryption.httpfs_extension()


def test_fingerprints_see_a_changed_row(tmp_path: Path) -> None:
    settings = encrypted_settings(tmp_path)
    load_sample(settings)
    con = connect_warehouse(settings)
    before = table_fingerprints(con, "warehouse")
    con.execute("update raw.customer_rows set row_number = row_number + 1 where row_number = 1")
    after = table_fingerprints(con, "warehouse")
    con.close()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"raw.customer_rows"} and before["raw.customer_rows"][0] == 2


runner = CliRunner()


def _fingerprints(path: Path, key: str | None) -> dict[str, tuple[int, int]]:
    con = open_warehouse(path, key=key, read_only=True)
    ((catalog,),) = con.sql("select current_database()").fetchall()
    found = table_fingerprints(con, catalog)
    con.close()
    found.pop("audit.log", None)  # audit.log: dq rekey appends its own event after verifying the copy
    return found


def _rekey_events(path: Path, key: str | None) -> list[tuple]:
    con = open_warehouse(path, key=key, read_only=True)
    try:
        return con.sql(
            "select actor, details ->> 'encrypted' from audit.log where action = 'rekey'"
        ).fetchall()
    finally:
        con.close()


def _rekey_cli(tmp_path: Path, env: dict[str, str], *args: str, plain: bool = False):
    config = PROJECT_ROOT / "dq.toml" if plain else encrypted_config(tmp_path)
    command = ["rekey", *args, "--config", str(config), "--home", str(tmp_path / "home")]
    return runner.invoke(app, command, env={"DQ_WAREHOUSE_KEY": "", "DQ_WAREHOUSE_NEW_KEY": "", **env})


def test_rekey_rotates_the_key_and_keeps_every_row(tmp_path: Path) -> None:
    settings = encrypted_settings(tmp_path)
    load_sample(settings)
    path = settings.warehouse_path
    before = _fingerprints(path, KEY)

    result = _rekey_cli(tmp_path, {"DQ_WAREHOUSE_KEY": KEY, "DQ_WAREHOUSE_NEW_KEY": OTHER_KEY})
    assert result.exit_code == 0, result.output
    assert "verified under the new key" in result.output and KEY not in result.output
    assert _fingerprints(path, OTHER_KEY) == before
    assert [encrypted for _, encrypted in _rekey_events(path, OTHER_KEY)] == ["true"]
    with pytest.raises(WarehouseKeyError, match="wrong key"):
        open_warehouse(path, key=KEY)
    assert sorted(p.name for p in path.parent.iterdir()) == ["landing", "warehouse.duckdb"]


def test_encrypt_a_plain_warehouse_then_decrypt_it(tmp_path: Path) -> None:
    plain = load_settings(PROJECT_ROOT / "dq.toml", home=tmp_path / "home", env={})
    load_sample(plain)
    path = plain.warehouse_path
    before = _fingerprints(path, None)

    encrypted = _rekey_cli(tmp_path, {"DQ_WAREHOUSE_NEW_KEY": KEY}, plain=True)
    assert encrypted.exit_code == 0, encrypted.output
    assert PHONE.encode() not in path.read_bytes()
    assert _fingerprints(path, KEY) == before
    connect_warehouse(encrypted_settings(tmp_path)).close()  # the documented next step works

    decrypted = _rekey_cli(tmp_path, {"DQ_WAREHOUSE_KEY": KEY}, "--decrypt", "--keep-old")
    assert decrypted.exit_code == 0, decrypted.output
    assert _fingerprints(path, None) == before
    assert (path.parent / "warehouse.duckdb.pre-rekey").is_file()  # kept, still under the old key
    assert PHONE.encode() in path.read_bytes()


def test_rekey_needs_a_new_key_or_decrypt(tmp_path: Path) -> None:
    load_sample(encrypted_settings(tmp_path))
    result = _rekey_cli(tmp_path, {"DQ_WAREHOUSE_KEY": KEY})
    assert result.exit_code == 2 and "DQ_WAREHOUSE_NEW_KEY" in result.output
    with pytest.raises(RekeyError, match="new key is the current one"):
        rekey_warehouse(tmp_path / "home" / "warehouse.duckdb", KEY, KEY)


def test_a_failed_verification_leaves_the_warehouse_untouched(tmp_path: Path, monkeypatch) -> None:
    settings = encrypted_settings(tmp_path)
    load_sample(settings)
    original = _fingerprints(settings.warehouse_path, KEY)

    def corrupt(path: Path, key: str | None, expected: dict) -> None:
        raise RekeyError(f"the re-encrypted copy {path} differs")

    monkeypatch.setattr(rekey, "_check_copy", corrupt)
    with pytest.raises(RekeyError, match="differs"):
        rekey_warehouse(settings.warehouse_path, KEY, OTHER_KEY)
    assert _fingerprints(settings.warehouse_path, KEY) == original
    assert sorted(p.name for p in settings.home.iterdir()) == ["landing", "warehouse.duckdb"]


def test_backup_of_an_encrypted_warehouse_stays_encrypted(tmp_path: Path, monkeypatch) -> None:
    settings: Settings = encrypted_settings(tmp_path)
    load_sample(settings)
    before = _fingerprints(settings.warehouse_path, KEY)
    monkeypatch.setenv("DQ_WAREHOUSE_KEY", KEY)
    common = ["--config", str(encrypted_config(tmp_path)), "--home", str(settings.home)]
    made = runner.invoke(app, ["backup", "--out", str(tmp_path / "b"), *common])
    assert made.exit_code == 0, made.output
    copy = tmp_path / "b" / "warehouse.duckdb"
    assert PHONE.encode() not in copy.read_bytes()
    with pytest.raises(WarehouseKeyError, match="is encrypted"):
        open_warehouse(copy, read_only=True)

    con = connect_warehouse(settings)
    con.execute("delete from raw.customer_rows")
    con.close()
    with pytest.raises(BackupError, match="does not open with the current settings"):
        restore_backup(encrypted_settings(tmp_path, key=OTHER_KEY), tmp_path / "b")
    assert _fingerprints(settings.warehouse_path, KEY) != before  # the refused restore replaced nothing

    restored = runner.invoke(app, ["restore", str(tmp_path / "b"), *common])
    assert restored.exit_code == 0, restored.output
    assert _fingerprints(settings.warehouse_path, KEY) == before
