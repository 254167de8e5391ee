"""Backup and restore round-trip every table; a tampered backup is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dq_project.cli.app import app
from dq_project.governance.backup import BackupError, verify_backup
from dq_project.governance.encryption import table_fingerprints
from dq_project.settings import PROJECT_ROOT, Settings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.warehouse.resource import open_warehouse


def _table_digests(settings: Settings) -> dict[str, tuple]:
    con = open_warehouse(settings.warehouse_path)
    try:
        return table_fingerprints(con, con.sql("select current_database()").fetchone()[0])
    finally:
        con.close()


def test_backup_restore_round_trip(home: Path, settings: Settings, tmp_path: Path) -> None:
    path = settings.landing_dir / "crm" / "crm_2026-01-02.csv"
    path.parent.mkdir(parents=True)
    path.write_text("customer_id,full_name\nC1,张三\nC2,李四\n", encoding="utf-8")
    con = open_warehouse(settings.warehouse_path)
    load_file(con, settings.source("crm"), LandedFile("crm", path, dt.date(2026, 1, 2)))
    con.close()
    settings.models_dir.mkdir(parents=True)
    (settings.models_dir / "splink_person.json").write_text("{}", encoding="utf-8")
    before = _table_digests(settings)
    common = ["--config", str(PROJECT_ROOT / "dq.toml"), "--home", str(home)]

    made = CliRunner().invoke(app, ["backup", "--out", str(tmp_path / "b1"), *common])
    assert made.exit_code == 0, made.output
    assert set(verify_backup(tmp_path / "b1").files) == {
        "warehouse.duckdb",
        "dq.toml",
        "models/splink_person.json",
    }

    con = open_warehouse(settings.warehouse_path)
    con.execute("delete from raw.customer_rows")
    con.close()
    (settings.models_dir / "splink_person.json").unlink()
    assert _table_digests(settings) != before

    restored = CliRunner().invoke(app, ["restore", str(tmp_path / "b1"), *common])
    assert restored.exit_code == 0, restored.output
    after = _table_digests(settings)
    log = after.pop("audit.log"), before.pop("audit.log")
    assert after == before
    assert log[0][0] == log[1][0] + 2  # the backup and the restore are logged
    assert (settings.models_dir / "splink_person.json").is_file()


def test_tampered_backup_is_refused(home: Path, settings: Settings, tmp_path: Path) -> None:
    open_warehouse(settings.warehouse_path).close()
    common = ["--config", str(PROJECT_ROOT / "dq.toml"), "--home", str(home)]
    assert CliRunner().invoke(app, ["backup", "--out", str(tmp_path / "b"), *common]).exit_code == 0
    (tmp_path / "b" / "dq.toml").write_text("changed", encoding="utf-8")
    with pytest.raises(BackupError, match="does not match"):
        verify_backup(tmp_path / "b")
    result = CliRunner().invoke(app, ["restore", str(tmp_path / "b"), *common])
    assert result.exit_code == 1 and "does not match the manifest" in result.output


MOBILE = "13912345678"


def _log_actions(settings: Settings) -> list[str]:
    con = open_warehouse(settings.warehouse_path)
    try:
        return [a for (a,) in con.sql("select action from audit.log order by logged_at").fetchall()]
    finally:
        con.close()


def test_restore_never_brings_an_erased_record_back(home: Path, settings: Settings, tmp_path: Path) -> None:
    """Backup, erase C1, restore the backup: C1 stays erased (its tombstone and the erasure's log row
    too), the restore is logged, and the erased mobile is in no byte of the warehouse file."""
    path = settings.landing_dir / "crm" / "crm_2026-01-02.csv"
    path.parent.mkdir(parents=True)
    path.write_text(f"customer_id,full_name,mobile\nC1,张三,{MOBILE}\nC2,李四,13800000000\n", "utf-8")
    con = open_warehouse(settings.warehouse_path)
    load_file(con, settings.source("crm"), LandedFile("crm", path, dt.date(2026, 1, 2)))
    con.close()
    common = ["--config", str(PROJECT_ROOT / "dq.toml"), "--home", str(home)]
    assert CliRunner().invoke(app, ["backup", "--out", str(tmp_path / "b"), *common]).exit_code == 0
    assert MOBILE.encode() in (tmp_path / "b" / "warehouse.duckdb").read_bytes()

    erased = CliRunner().invoke(app, ["erase", "--source", "crm", "--id", "C1", "--yes", *common])
    assert erased.exit_code == 0, erased.output
    assert MOBILE.encode() not in settings.warehouse_path.read_bytes()  # not even in free blocks

    restored = CliRunner().invoke(app, ["restore", str(tmp_path / "b"), *common])
    assert restored.exit_code == 0, restored.output
    assert "1 record(s) the backup still held were erased again" in restored.output
    con = open_warehouse(settings.warehouse_path)
    try:
        ids = con.sql("select record ->> 'customer_id' from raw.customer_rows order by 1").fetchall()
        tombstones = con.sql("select count(*) from raw.erasures").fetchall()
    finally:
        con.close()
    assert ids == [("C2",)] and tombstones == [(1,)]
    actions = _log_actions(settings)
    assert actions.count("erasure") == 2 and actions[-1] == "restore"  # the first erasure and its re-run
    assert actions.index("backup") < actions.index("erasure")
    assert MOBILE.encode() not in settings.warehouse_path.read_bytes()
    assert not list(home.glob("*.pre-restore"))


def test_restore_over_a_damaged_warehouse_uses_the_erasure_ledger(
    home: Path, settings: Settings, tmp_path: Path
) -> None:
    """The replaced warehouse no longer opens: the ledger beside it still re-applies the erasure."""
    path = settings.landing_dir / "crm" / "crm_2026-01-02.csv"
    path.parent.mkdir(parents=True)
    path.write_text(f"customer_id,full_name,mobile\nC1,张三,{MOBILE}\n", "utf-8")
    con = open_warehouse(settings.warehouse_path)
    load_file(con, settings.source("crm"), LandedFile("crm", path, dt.date(2026, 1, 2)))
    con.close()
    common = ["--config", str(PROJECT_ROOT / "dq.toml"), "--home", str(home)]
    assert CliRunner().invoke(app, ["backup", "--out", str(tmp_path / "b"), *common]).exit_code == 0
    assert (
        CliRunner().invoke(app, ["erase", "--source", "crm", "--id", "C1", "--yes", *common]).exit_code == 0
    )
    settings.warehouse_path.write_bytes(b"\0" * 4096)  # damaged beyond opening
    restored = CliRunner().invoke(app, ["restore", str(tmp_path / "b"), *common])
    assert restored.exit_code == 0, restored.output
    assert "did not open" in restored.output
    con = open_warehouse(settings.warehouse_path)
    try:
        assert con.sql("select count(*) from raw.customer_rows").fetchall() == [(0,)]
    finally:
        con.close()
    assert MOBILE.encode() not in settings.warehouse_path.read_bytes()
