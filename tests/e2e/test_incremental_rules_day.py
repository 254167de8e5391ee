"""Incremental rule results through the real asset graph (issue 25): day 2, a full snapshot with 1%
of the rows edited (addresses, and mobiles made invalid) and some rows gone, is validated from day
1's results; its quality tables and its asset checks (counts, verdicts, masked samples) equal those
of a warehouse that validates day 2 in full."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dq_generator import generate

from dq_project.assets.quality import rule_results
from dq_project.assets.raw import customer_rows
from dq_project.assets.staging import customers
from dq_project.settings import PROJECT_ROOT, load_settings
from dq_project.warehouse.resource import WarehouseResource, open_warehouse

DAY1, DAY2 = dt.date(2026, 10, 5), dt.date(2026, 10, 6)
CONFIG = PROJECT_ROOT / "dq.toml"


def _day2(day1: dict[str, Path], landings: list[Path]) -> None:
    """Day 1's files as day 2's: every 100th row's address edited, every 97th mobile cut short (invalid),
    every 150th row dropped."""
    for source, path in day1.items():
        frame = pl.read_csv(path, infer_schema=False)
        key, mobile, address = frame.columns[0], frame.columns[8], frame.columns[14]
        picked = pl.col(key).hash(5)
        edited = frame.filter(picked % 150 != 1).with_columns(
            pl.when(picked % 100 == 0).then(pl.col(address) + "附2号").otherwise(address).alias(address),
            pl.when(picked % 97 == 0).then(pl.lit("1380013")).otherwise(mobile).alias(mobile),
        )
        for landing in landings:
            target = landing / source / path.name.replace(DAY1.isoformat(), DAY2.isoformat())
            target.parent.mkdir(parents=True, exist_ok=True)
            edited.write_csv(target, include_bom=source == "erp")


def _run(home: Path, day: dt.date) -> dg.ExecuteInProcessResult:
    result = dg.materialize(
        [customer_rows, customers, rule_results],
        partition_key=day.isoformat(),
        resources={"warehouse": WarehouseResource(config_path=str(CONFIG), home=str(home))},
        raise_on_error=True,
    )
    assert result.success
    return result


def _quality(home: Path, day: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    con = open_warehouse(load_settings(CONFIG, home=home, env={}).warehouse_path, read_only=True)
    try:
        results = con.execute(
            "select * exclude (run_id, evaluated_at) from quality.rule_results where snapshot_date = ? "
            "order by rule_id",
            [day],
        ).pl()
        failures = con.execute(
            "select * exclude (run_id) from quality.rule_failures where snapshot_date = ? "
            "order by rule_id, record_key, field",
            [day],
        ).pl()
    finally:
        con.close()
    return results, failures


def _checks(result: dg.ExecuteInProcessResult) -> dict[str, tuple]:
    return {
        e.check_name: (e.passed, {k: v.value for k, v in e.metadata.items()})
        for e in result.get_asset_check_evaluations()
    }


@pytest.mark.slow
def test_day2_validated_incrementally_equals_a_full_validation(tmp_path: Path) -> None:
    incremental_home, full_home = tmp_path / "inc", tmp_path / "full"
    snapshot = generate(1500, 23, incremental_home / "landing", DAY1)
    _day2(snapshot.files, [incremental_home / "landing", full_home / "landing"])
    _run(incremental_home, DAY1)
    incremental = _run(incremental_home, DAY2)
    full = _run(full_home, DAY2)  # day 2 is the full home's first date: validated in full
    modes = [
        event.step_materialization_data.materialization.metadata["validated"].value
        for event in incremental.get_asset_materialization_events()
        if event.asset_key == dg.AssetKey(["quality", "rule_results"])
    ]
    assert modes == [f"incremental from {DAY1}"]
    inc_tables, full_tables = _quality(incremental_home, DAY2), _quality(full_home, DAY2)
    assert inc_tables[0].equals(full_tables[0])
    assert inc_tables[1].equals(full_tables[1])
    assert inc_tables[1].filter(pl.col("rule_id") == "mobile_is_valid_e164").height > 0
    assert _checks(incremental) == _checks(full)
