"""Backup and restore round-trip every table; a tampered backup is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dq_project.backup import BackupError, verify_backup
from dq_project.cli import app
from dq_project.encryption import table_fingerprints
from dq_project.ingest import LandedFile, load_file
from dq_project.resources import open_warehouse
from dq_project.settings import PROJECT_ROOT, Settings


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
    assert _table_digests(settings) == before
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
