"""History that a backfill keeps: five daily runs with steward decisions made on days 2 and 4, then a
backfill of days 1-5 (as `dq backfill` runs it) gives every date the same clusters, golden IDs and
golden records as the runs did. A decision applies from the date it was made, so day 1 is re-run
without either decision and day 3 with the first only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from dq_generator import generate

from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.stewardship.decisions import record_decision
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

pytestmark = pytest.mark.e2e
DAYS = [dt.date(2026, 6, d) for d in range(1, 6)]
ROWS = 240


def _run(warehouse: WarehouseResource, instance: dg.DagsterInstance, day: dt.date) -> None:
    assert run_daily(warehouse, day, instance=instance, log_level="WARNING").success


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """Every date's clusters and golden records, in a fixed order."""
    return {
        "clusters": con.sql(
            "select as_of_date, record_key, golden_id, cluster_size from matching.clusters order by all"
        ).pl(),
        "golden": con.sql("select * from golden.customers order by as_of_date, golden_id").pl(),
        "provenance": con.sql("select * from golden.provenance order by all").pl(),
    }


def _decide(warehouse: WarehouseResource, day: dt.date, action: str, **kwargs) -> None:
    con = connect_warehouse(warehouse.settings())
    try:
        made = dt.datetime.combine(day, dt.time(9))
        record_decision(con, action, decided_by="steward.test", decided_at=made, **kwargs)
    finally:
        con.close()


def _pick(warehouse: WarehouseResource, day: dt.date, size: int) -> list[str]:
    """Record keys of the first entity of `size` records on `day` (the first two singletons for 1)."""
    con = connect_warehouse(warehouse.settings(), read_only=True)
    try:
        rows = con.sql(
            "select golden_id, list(record_key order by record_key) from matching.clusters "
            "where as_of_date = $d and cluster_size = $n group by golden_id order by golden_id limit 2",
            params={"d": day, "n": size},
        ).fetchall()
    finally:
        con.close()
    return [rows[0][1][0], rows[1][1][0]] if size == 1 else rows[0][1]


@pytest.mark.slow  # ten pipeline runs
def test_backfill_after_decisions_keeps_every_dates_history(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for day in DAYS:
        generate(ROWS, 11, home / "landing", day)
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home))
    instance = dg.DagsterInstance.ephemeral()
    for day in DAYS:
        if day == DAYS[1]:
            merged = _pick(warehouse, DAYS[0], 1)
            _decide(warehouse, day, "merge", left=merged[0], right=merged[1])
        if day == DAYS[3]:
            apart = _pick(warehouse, DAYS[2], 2)[:2]
            _decide(warehouse, day, "keep_apart", left=apart[0], right=apart[1])
        _run(warehouse, instance, day)
    con = connect_warehouse(warehouse.settings(), read_only=True)
    before = _state(con)
    con.close()
    ids = {(d, k): g for d, k, g, _ in before["clusters"].iter_rows()}
    # each decision holds from the date it was made, and history before it stays as it was
    assert ids[(DAYS[0], merged[0])] != ids[(DAYS[0], merged[1])]
    assert ids[(DAYS[1], merged[0])] == ids[(DAYS[1], merged[1])]
    assert ids[(DAYS[2], apart[0])] == ids[(DAYS[2], apart[1])]
    assert ids[(DAYS[3], apart[0])] != ids[(DAYS[3], apart[1])]
    # one golden record per entity on every date (no orphan)
    per_date = before["clusters"].group_by("as_of_date").agg(pl.col("golden_id").n_unique().alias("n"))
    golden = before["golden"].group_by("as_of_date").agg(pl.len().alias("n"))
    assert per_date.sort("as_of_date").equals(golden.sort("as_of_date").cast({"n": pl.UInt32}))
    for day in DAYS:  # the backfill: every date again, in order
        _run(warehouse, instance, day)
    con = connect_warehouse(warehouse.settings(), read_only=True)
    after = _state(con)
    changes = con.sql("select count(*) from matching.golden_id_changes").fetchone()[0]
    con.close()
    for name in before:
        assert after[name].equals(before[name]), name
    assert changes > 0
