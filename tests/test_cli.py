"""The dq command: ingest lands and loads files (schema drift stops a load), export needs data."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dq_project.cli.app import app
from dq_project.settings import PROJECT_ROOT, Settings
from dq_project.warehouse.resource import open_warehouse

runner = CliRunner()
CONFIG = str(PROJECT_ROOT / "dq.toml")
FAKE_1000 = PROJECT_ROOT.parent / "shared" / "data" / "fake_1000" / "fake_1000.csv"
pytestmark = pytest.mark.skipif(not FAKE_1000.is_file(), reason=f"sample data not found at {FAKE_1000}")


def _invoke(home: Path, *args: str):
    return runner.invoke(app, [*args, "--config", CONFIG, "--home", str(home)])


def test_ingest_lands_and_loads_a_new_schema_from_config_alone(home: Path, settings: Settings) -> None:
    result = _invoke(
        home, "ingest", str(FAKE_1000), "--source", "fake_1000", "--date", "2026-11-20", "--no-run"
    )
    assert result.exit_code == 0, result.output
    assert "loaded, 1,000 rows, 0 quarantined" in result.output
    assert (settings.landing_dir / "fake_1000" / "fake_1000_2026-11-20.csv").is_file()
    again = _invoke(
        home, "ingest", str(FAKE_1000), "--source", "fake_1000", "--date", "2026-11-20", "--no-run"
    )
    assert "already_loaded" in again.output
    con = open_warehouse(settings.warehouse_path)
    ((extra,),) = con.sql("select extra_columns from raw.loads").fetchall()
    con.close()
    assert extra == ["cluster"]


def test_missing_required_column_quarantines_the_file(home: Path, tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "fake_2026-11-20.csv"
    bad.write_text("id,first_name\n1,Ann\n", encoding="utf-8")
    result = _invoke(home, "ingest", str(bad), "--source", "fake_1000", "--no-run")
    # the file is quarantined whole (docs/onboarding.md), with the reason and what to do
    assert result.exit_code == 1 and "file quarantined" in result.output
    assert "required column(s) ['unique_id'] missing" in result.output
    con = open_warehouse(settings.warehouse_path)
    assert con.sql("select count(*) from raw.customer_rows").fetchall() == [(0,)]
    ((file_hash, action),) = con.sql("select file_hash, action from raw.quarantined_files").fetchall()
    con.close()
    assert f"dq quarantine release {file_hash[:12]}" in action and "{key}" not in result.output


def test_unknown_source_and_empty_export(home: Path, tmp_path: Path) -> None:
    result = _invoke(home, "ingest", str(FAKE_1000), "--source", "nope", "--no-run")
    assert result.exit_code == 2 and "unknown source 'nope'" in result.output
    result = _invoke(home, "export", "golden", "--out", str(tmp_path / "g.csv"))
    assert result.exit_code == 1 and "nothing to export yet" in result.output
