"""Incremental rule results (issue 25): a date validated from the previous date's counts and
failures stores exactly what a full validation of the date stores, over several dates with changed,
added and removed rows, rows without a key, a cross-row rule whose verdict on an unchanged row
changes (one name per ID number), and a date-parameterised rule whose verdict on an unchanged row
changes with the date (record_recently_updated); and the shortcut steps aside when it cannot be
proven right (suite changed, a validated partition changed, GX refuses the changed rows alone, keys
repeat)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dq_generator import generate

from dq_project.assets.quality import configured_rules
from dq_project.assets.raw import customer_rows
from dq_project.assets.staging import customers
from dq_project.expectations import partition
from dq_project.expectations.locality import parameter_bounds, split_rules
from dq_project.settings import PROJECT_ROOT, load_settings
from dq_project.warehouse.resource import WarehouseResource, open_warehouse

DAY1, DAY2, DAY3, DAY4 = (dt.date(2026, 11, d) for d in (20, 21, 22, 23))
CONFIG = PROJECT_ROOT / "dq.toml"
ORDER_RESULTS = "rule_id"
ORDER_FAILURES = "rule_id, record_key, field, value_masked"
# Day n+1 from day n, in SQL: a new load with the rows in reverse order; every 53rd key removed,
# every 41st mobile made invalid, every 47th name edited, every 59th failing mobile fixed, keys
# re-added under a new id, two rows without a key, an unchanged record's ID number reused under another
# name (one name per key fails on the unchanged row), an unchanged row updated exactly 1095 days
# before the previous date (recently updated on that date, stale on the next); on day 2, 1 row in 211
# born on day 3 (a future birth date on day 2, unchanged and valid on day 3).
NEXT_DAY = """
insert into staging.customers by name
select s.* replace (
    cast($next as date) as snapshot_date, 'load-' || $next as load_id,
    1000000 - s.row_number as row_number,
    case when hash(s.record_key, $next) % 41 = 0 then '+8612345' else s.mobile end as mobile,
    case when hash(s.record_key, $next) % 41 = 0 then 'invalid'
         when hash(s.record_key, $next) % 59 = 0 and s.mobile_status = 'invalid' then 'ok'
         else s.mobile_status end as mobile_status,
    case when hash(s.record_key, $next) % 47 = 0 then s.name || '新' else s.name end as name,
    case when s.record_key = $borrower then $lender_id else s.id_number end as id_number,
    case when s.record_key = $stale then cast($day as timestamp) - interval 1095 day
         else s.updated_at end as updated_at,
    case when hash(s.record_key) % 211 = 7 and $next = $birthday_set then cast($birthday as date)
         else s.birth_date end as birth_date
)
from staging.customers as s
where s.snapshot_date = cast($day as date) and hash(s.record_key, $next) % 53 <> 0
union all by name
select s.* replace (
    cast($next as date) as snapshot_date, 'load-' || $next as load_id, s.row_number + 2000000 as row_number,
    s.record_key || '-' || $next as record_key, s.source_record_id || '-' || $next as source_record_id
)
from staging.customers as s
where s.snapshot_date = cast($day as date) and hash(s.record_key, 'add' || $next) % 61 = 0
union all by name
select s.* replace (
    cast($next as date) as snapshot_date, 'load-' || $next as load_id, s.row_number + 3000000 as row_number,
    null as record_key, null as source_record_id
)
from staging.customers as s
where s.snapshot_date = cast($day as date) and hash(s.record_key, 'nokey' || $next) % 700 = 0
"""

# Day 4: dummy mobiles the normalizer dropped (null mobile, dummy reason) on 1 row in 37, a few
# other edits: among the changed rows GX counts more dummy rows than non-null mobiles and refuses.
DUMMIES = """
insert into staging.customers by name
select s.* replace (
    cast($next as date) as snapshot_date,
    case when hash(s.record_key, $next) % 37 = 0 then null else s.mobile end as mobile,
    case when hash(s.record_key, $next) % 37 = 0 then 'placeholder:13800000000' else s.mobile_reason end
        as mobile_reason,
    case when hash(s.record_key, $next) % 300 = 1 and s.mobile is not null then s.name || '改' else s.name end
        as name
)
from staging.customers as s
where s.snapshot_date = cast($day as date)
"""


def _validate(
    con, settings, day: dt.date, *, incremental_ok: bool = True, rules=None
) -> partition.PartitionRun:
    return partition.validate_partition(
        con,
        day.isoformat(),
        rules or configured_rules(settings),
        run_id=f"run-{day}-{incremental_ok}",
        code_version="1",
        per_rule=5,
        incremental_ok=incremental_ok,
    )


def _tables(con, day: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    results = con.execute(
        f"select * exclude (run_id, evaluated_at) from quality.rule_results where snapshot_date = ? "
        f"order by {ORDER_RESULTS}",
        [day],
    ).pl()
    failures = con.execute(
        "select * exclude (run_id) from quality.rule_failures where snapshot_date = ? "
        f"order by {ORDER_FAILURES}",
        [day],
    ).pl()
    return results, failures


def _next_day(con, day: dt.date, nxt: dt.date) -> None:
    lender, borrower, stale = con.execute(
        """select a.record_key, b.record_key, c.record_key from staging.customers a, staging.customers b,
           staging.customers c
           where a.snapshot_date = $day and b.snapshot_date = $day and c.snapshot_date = $day
             and a.id_number_status = 'ok' and a.customer_type = 'person' and b.customer_type = 'person'
             and b.id_number is null and b.name is not null and a.name <> b.name
             and c.updated_at is not null and c.record_key not in (a.record_key, b.record_key)
             and hash(a.record_key, $next) % 53 not in (0) and hash(b.record_key, $next) % 47 <> 0
           order by a.record_key, b.record_key, c.record_key limit 1""",
        {"day": day, "next": nxt.isoformat()},
    ).fetchone()
    (lender_id,) = con.execute(
        "select id_number from staging.customers where snapshot_date = ? and record_key = ?", [day, lender]
    ).fetchone()
    con.execute(
        NEXT_DAY,
        {
            "day": day.isoformat(),
            "next": nxt.isoformat(),
            "borrower": borrower,
            "lender_id": lender_id,
            "stale": stale,
            "birthday_set": DAY2.isoformat(),
            "birthday": DAY3.isoformat(),
        },
    )


@pytest.fixture(scope="module")
def staged_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("incremental_rules")
    generate(1500, 17, home / "landing", DAY1)
    result = dg.materialize(
        [customer_rows, customers],
        partition_key=DAY1.isoformat(),
        resources={"warehouse": WarehouseResource(config_path=str(CONFIG), home=str(home))},
    )
    assert result.success
    settings = load_settings(CONFIG, home=home, env={})
    con = open_warehouse(settings.warehouse_path)
    try:
        _next_day(con, DAY1, DAY2)
        _next_day(con, DAY2, DAY3)
    finally:
        con.close()
    return home


def test_incremental_dates_store_what_a_full_validation_stores(staged_home: Path) -> None:
    settings = load_settings(CONFIG, home=staged_home, env={})
    con = open_warehouse(settings.warehouse_path)
    try:
        first = _validate(con, settings, DAY1)
        assert first.mode == "full" and first.reason == "no earlier validated date"
        runs = {day: _validate(con, settings, day) for day in (DAY2, DAY3)}
        incremental = {day: _tables(con, day) for day in (DAY2, DAY3)}
        for day, run in runs.items():
            assert run.mode == f"incremental from {day - dt.timedelta(days=1)}", run.reason
            assert 0 < run.changed_rows < 0.2 * run.results["evaluated"].max()  # only the changed rows
        full = {day: _validate(con, settings, day, incremental_ok=False) for day in (DAY2, DAY3)}
        for day in (DAY2, DAY3):
            assert full[day].mode == "full"
            results, failures = _tables(con, day)
            assert incremental[day][0].equals(results), day
            assert incremental[day][1].equals(failures), day
            assert runs[day].samples == full[day].samples
            assert runs[day].failure_count == full[day].failure_count == failures.height
        day1, day2 = _tables(con, DAY1)[1], incremental[DAY2][1]
        # the scenario moved every kind of rule: row-local, cross-row and date-parameterised
        for rule_id in ("mobile_is_valid_e164", "id_number_one_name", "record_recently_updated"):
            before = day1.filter(pl.col("rule_id") == rule_id)["record_key"].to_list()
            after = day2.filter(pl.col("rule_id") == rule_id)["record_key"].to_list()
            assert set(before) != set(after), rule_id
        assert day2.filter(pl.col("record_key").str.contains("#row")).height > 0  # keyless rows
        day3 = incremental[DAY3][1]
        born = [t.filter(pl.col("rule_id") == "birth_date_in_range").height for t in (day2, day3)]
        assert born[0] > born[1]  # born on day 3: out of range on day 2, in range on day 3, row unchanged
    finally:
        con.close()


def test_a_rerun_is_identical_and_the_shortcut_steps_aside_when_unproven(staged_home: Path) -> None:
    settings = load_settings(CONFIG, home=staged_home, env={})
    con = open_warehouse(settings.warehouse_path)
    try:
        for day in (DAY1, DAY2):
            _validate(con, settings, day)
        expected = _tables(con, DAY2)
        rerun = _validate(con, settings, DAY2)  # a re-run of the date: from day 1 again
        assert rerun.mode == f"incremental from {DAY1}"
        assert all(a.equals(b) for a, b in zip(_tables(con, DAY2), expected, strict=True))
        rules = configured_rules(settings)
        looser = [
            r if r.id != "mobile_is_valid_e164" else r.__class__(**{**r.__dict__, "threshold": 0.5})
            for r in rules
        ]
        assert _validate(con, settings, DAY3, rules=looser).reason.startswith("the suite")
        con.execute(
            "delete from staging.customers where snapshot_date = ? and record_key = "
            "(select min(record_key) from staging.customers where snapshot_date = ?)",
            [DAY2, DAY2],
        )
        changed = _validate(con, settings, DAY3)
        assert (
            changed.mode == "full"
            and changed.reason == f"the staged partition of {DAY2} changed since it was validated"
        )
        assert _validate(con, settings, DAY2).mode == f"incremental from {DAY1}"  # DAY2 validated again
        assert _validate(con, settings, DAY3).mode == f"incremental from {DAY2}"
        con.execute(DUMMIES, {"day": DAY3.isoformat(), "next": DAY4.isoformat()})
        dummies = _validate(con, settings, DAY4)
        assert dummies.mode == "full" and dummies.reason.startswith("GX could not validate the changed rows")
        con.execute(
            "insert into staging.customers select * from staging.customers where snapshot_date = ? limit 1",
            [DAY3],
        )
        assert _validate(con, settings, DAY3).reason == "a record key repeats within a date"
    finally:
        con.close()


def test_rules_are_split_into_row_local_and_whole_partition_ones() -> None:
    settings = load_settings(CONFIG, home=Path("/nonexistent"), env={})
    local, others = split_rules(configured_rules(settings))
    assert {r.id for r in others} == {"record_key_unique", "id_number_one_name", "credit_code_one_name"}
    bounded = {r.id: parameter_bounds(r) for r in local if parameter_bounds(r)}
    assert bounded == {
        "birth_date_in_range": [("min_value", "earliest_birth_date"), ("max_value", "snapshot_date")],
        "created_at_not_in_future": [("max_value", "snapshot_end")],
        "updated_at_not_in_future": [("max_value", "snapshot_end")],
        "record_recently_updated": [("min_value", "stale_before")],
    }
    assert "mobile_is_valid_e164" in {r.id for r in local} and len(local) > 30
