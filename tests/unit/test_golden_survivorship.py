"""Survivorship per field and steward overrides (sql/golden/build_provenance.sql) on tiny tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dq_project.golden.survivorship import DEFAULT_RULES, survivorship_rules
from dq_project.stewardship.decisions import ensure_tables, record_decision
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import run_sql
from dq_project.warehouse.versioned import CLUSTERS, store_state

DAY = dt.date(2026, 1, 1)
MADE = dt.datetime(2026, 1, 1, 9)  # decisions apply from the date they were made
# record, source, updated day, mobile (status), email (status), name, city
RECORDS = [
    ("crm:1", "crm", 1, "+8613800000001", "ok", "old@qq.com", "ok", "张伟", "北京"),
    ("erp:2", "erp", 3, "+8613800000002", "ok", "bad@@qq", "invalid", "张伟", "上海"),
    ("erp:3", "erp", 2, "12345", "invalid", "mid@qq.com", "ok", "张 伟", "上海"),
]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = open_warehouse(tmp_path / "w.duckdb")
    ensure_tables(con)
    frame = pl.DataFrame(
        RECORDS,
        schema=[
            "record_key",
            "source",
            "day",
            "mobile",
            "mobile_status",
            "email",
            "email_status",
            "name",
            "city",
        ],
        orient="row",
    ).with_columns(
        pl.col("record_key").str.split(":").list.last().alias("source_record_id"),
        (pl.lit(dt.datetime(2025, 1, 1)) + pl.duration(days="day")).alias("updated_at"),
        pl.lit("ok").alias("name_status"),
        pl.lit("ok").alias("city_status"),
    )
    con.register("records", frame.to_arrow())
    con.execute(
        "insert into staging.customers by name select $d as snapshot_date, 'L' as load_id, 1 as row_number, "
        "* exclude (day) from records",
        {"d": DAY},
    )
    store_state(con, CLUSTERS, DAY.isoformat(), con.sql(
        "select record_key, 'person' as customer_type, 'crm:1' as cluster_key, 'G1' as golden_id, "
        "3 as cluster_size, 'crm:1' as component_key from records"
    ))  # fmt: skip
    yield con
    con.close()


def _provenance(con: duckdb.DuckDBPyConnection, rules: dict[str, str] | None = None) -> dict[str, tuple]:
    con.register("source_trust", pl.DataFrame({"source": ["crm", "erp"], "trust": [60, 50]}).to_arrow())
    con.register("field_rules", survivorship_rules(rules).to_arrow())
    con.register("golden_scope", pl.DataFrame(schema={"golden_id": pl.String}).to_arrow())
    run_sql(con, "golden/build_members", as_of_date=DAY, scoped=False)
    run_sql(con, "golden/build_provenance", as_of_date=DAY, single_fast_path=True)
    # The computed provenance rows, before they are stored (dq_project.warehouse.versioned).
    rows = con.execute("select field, value, source_record_id, rule from state_new").fetchall()
    return {field: (value, record, rule) for field, value, record, rule in rows}


def test_each_rule_picks_its_winner_and_invalid_never_wins(con) -> None:
    trusted = _provenance(
        con, {"mobile": "most_trusted_source", "email": "most_recent", "city": "most_frequent"}
    )
    assert trusted["mobile"] == ("+8613800000001", "1", "most_trusted_source")
    # erp:2 is the most recent but its e-mail is invalid: the next most recent valid one wins.
    assert trusted["email"] == ("mid@qq.com", "3", "most_recent")
    assert trusted["city"] == ("上海", "2", "most_frequent")
    recent = _provenance(con, {"mobile": "most_recent", "city": "most_trusted_source"})
    assert recent["mobile"] == ("+8613800000002", "2", "most_recent")
    assert recent["city"] == ("北京", "1", "most_trusted_source")


def test_most_complete_prefers_the_record_with_most_valid_fields(con) -> None:
    # crm:1 has 4 valid fields, erp:2 and erp:3 have 3 each.
    assert _provenance(con, {"name": "most_complete"})["name"][1] == "1"


def test_steward_override_wins_over_survivorship(con) -> None:
    record_decision(
        con,
        "override_field",
        decided_by="li.steward",
        decided_at=MADE,
        golden_id="G1",
        field="email",
        value="a@b.cn",
    )
    record_decision(
        con,
        "override_field",
        decided_by="li.steward",
        decided_at=MADE + dt.timedelta(minutes=1),
        golden_id="G1",
        field="email",
        value="z@b.cn",
    )
    value, decision, rule = _provenance(con)["email"]
    assert (value, rule) == ("z@b.cn", "steward_override") and decision.startswith("D")


def test_unknown_rules_and_fields_are_rejected() -> None:
    assert set(survivorship_rules()["field"]) == set(DEFAULT_RULES)
    with pytest.raises(ValueError, match="unknown"):
        survivorship_rules({"mobile": "loudest"})
    with pytest.raises(ValueError, match="unknown"):
        survivorship_rules({"shoe_size": "most_recent"})


def test_an_override_follows_its_golden_record_into_a_merge(con) -> None:
    before = DAY - dt.timedelta(days=1)
    store_state(con, CLUSTERS, before.isoformat(), con.sql(
        "select 'crm:9' as record_key, 'person' as customer_type, 'crm:9' as cluster_key, 'G0' as golden_id, "
        "1 as cluster_size, 'crm:9' as component_key"
    ))  # fmt: skip
    record_decision(
        con,
        "override_field",
        decided_by="li.steward",
        decided_at=MADE,
        golden_id="G0",
        field="city",
        value="杭州",
    )
    assert _provenance(con)["city"][2] != "steward_override"  # G0 still lives on its own
    con.execute(
        "insert into matching.golden_id_changes by name select $d as as_of_date, 'G0' as golden_id, "
        "'retire' as change, 'G1' as related_golden_id, 1 as records",
        {"d": DAY},
    )
    value, decision, rule = _provenance(con)["city"]
    assert (value, rule) == ("杭州", "steward_override") and decision.startswith("D")
    # A later override made on the surviving ID wins over the inherited one.
    record_decision(
        con,
        "override_field",
        decided_by="li.steward",
        decided_at=MADE + dt.timedelta(hours=1),
        golden_id="G1",
        field="city",
        value="上海",
    )
    assert _provenance(con)["city"][:1] == ("上海",)
