"""Golden record speed: build_golden on generated persons, day 1 (99%) and day 2 (+1%, some changed).

python -m bench golden_speed --rows 200000

Clusters are faked (records sharing an id_number form one entity) so that only survivorship is
timed; a few steward overrides are recorded. Each day is built twice: as the golden asset does it,
and ranking every entity (build_golden(..., fast=False)); the two must give the same tables.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from bench.matching_speed import CONFIG, DAY1, DAY2, _load_day, stage_persons
from dq_project.golden.survivorship import build_golden
from dq_project.settings import load_settings
from dq_project.stewardship.decisions import ensure_tables
from dq_project.warehouse.resource import connect_warehouse
from dq_project.warehouse.versioned import CLUSTERS, store_state

FAKE_CLUSTERS = """
select record_key, customer_type, entity as cluster_key, 'g-' || md5(entity) as golden_id,
       count(*) over (partition by entity) as cluster_size, entity as component_key
from (
    select record_key, customer_type, coalesce(id_number, record_key) as entity
    from staging.current_customers(cast($d as date))
)
"""
OVERRIDES = """
insert into matching.steward_decisions (decision_id, decided_at, decided_by, action, golden_id, field, value)
select 'd-' || row_number() over (), now(), 'bench', 'override_field', golden_id, 'email', 'x@example.com'
from (select distinct golden_id from matching.clusters where as_of_date = $d order by golden_id limit 50)
"""


def _timed(con, settings, day: dt.date, **options) -> float:
    started = time.perf_counter()
    build_golden(con, settings, day.isoformat(), **options, own_transaction=True)
    return time.perf_counter() - started


def _fake_clusters(con, day: dt.date) -> None:
    """matching.clusters of the day: records sharing an id_number form one entity."""
    store_state(con, CLUSTERS, day.isoformat(), con.execute(FAKE_CLUSTERS, {"d": day}).fetch_arrow_table())


def _snapshot(con, day: dt.date) -> tuple[int, int, int, int]:
    """(rows, xor of row hashes) of golden.customers and golden.provenance on a day."""
    sql = "select count(*), coalesce(bit_xor(hash(t)), 0) from golden.{} as t where as_of_date = $d"
    rows = [con.execute(sql.format(table), {"d": day}).fetchone() for table in ("customers", "provenance")]
    return (*rows[0], *rows[1])


def main(rows: int, workdir: Path) -> None:
    """Stage, fake clusters, time build_golden on day 1 and day 2."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = stage_persons(rows, workdir)
    settings = load_settings(CONFIG, env={})
    (workdir / "warehouse.duckdb").unlink(missing_ok=True)
    con = connect_warehouse(load_settings(CONFIG, home=workdir, env={}))  # with [warehouse] memory_limit
    ensure_tables(con)
    _load_day(con, path, DAY1, "day1")
    _fake_clusters(con, DAY1)
    con.execute(OVERRIDES, {"d": DAY1})
    day1_ranked = _timed(con, settings, DAY1, fast=False)
    day1_ranked_rows = _snapshot(con, DAY1)
    day1 = _timed(con, settings, DAY1)
    assert _snapshot(con, DAY1) == day1_ranked_rows, "fast path differs from ranking every entity"
    _load_day(con, path, DAY2, "day2")
    # day 2 also changes 0.5% of day 1's records (a new version of the row)
    con.execute(
        "insert into staging.customers by name select * replace ($d as snapshot_date, 'day2' as load_id, "
        "coalesce(email, 'new') || '.changed' as email) from staging.customers "
        "where snapshot_date = $p and hash(record_key) % 200 = 0",
        {"d": DAY2, "p": DAY1},
    )
    _fake_clusters(con, DAY2)
    day2 = _timed(con, settings, DAY2)
    con.close()
    print(
        f"golden speed  rows={rows:,}  day 1: {day1:.1f}s (ranking every entity: {day1_ranked:.1f}s)  "
        f"day 2: {day2:.1f}s"
    )
