"""An ERROR rule over its threshold blocks matching and golden records; earlier golden records stay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest
from dq_generator import generate

from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

pytestmark = pytest.mark.e2e
CLEAN, BROKEN = dt.date(2026, 6, 1), dt.date(2026, 6, 2)


def test_duplicate_source_keys_block_golden_records(home: Path) -> None:
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home))
    instance = dg.DagsterInstance.ephemeral()
    generate(300, 8, home / "landing", CLEAN)
    assert run_daily(warehouse, CLEAN, instance=instance, log_level="WARNING").success

    broken = generate(300, 8, home / "landing", BROKEN).files["crm"]
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    broken.write_text("".join([*lines, lines[1]]), encoding="utf-8")  # the first record twice
    result = run_daily(warehouse, BROKEN, instance=instance, log_level="WARNING")

    assert not result.success
    check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "record_key_unique")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "staging/customers" in materialized and "golden/customers" not in materialized
    con = connect_warehouse(warehouse.settings(), read_only=True)
    golden = dict(con.sql("select as_of_date, count(*) from golden.customers group by 1").fetchall())
    con.close()
    assert BROKEN not in golden and golden[CLEAN] > 0
