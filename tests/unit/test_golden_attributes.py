"""Attributes beyond the canonical fields: carried from staging into golden records by a survivorship
rule per key, with provenance, and exported (sql/golden/build_attributes.sql, attach_attributes.sql)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dq_project.golden.export import export
from dq_project.golden.survivorship import build_golden
from dq_project.settings import GoldenSettings, Settings, SourceSettings
from dq_project.stewardship.decisions import ensure_tables
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.versioned import CLUSTERS, store_state

DAY = dt.date(2026, 1, 1)
# record, source, updated day, golden id, attributes
RECORDS = [
    ("crm:1", "crm", 1, "G1", {"tier": "金卡", "channel": "web"}),
    ("erp:2", "erp", 3, "G1", {"tier": "银卡"}),
    ("erp:3", "erp", 2, "G1", {"tier": "银卡", "channel": "  "}),
    ("erp:4", "erp", 2, "G2", {"employee_no": "2406"}),  # an entity of one record (fast path)
    ("crm:5", "crm", 1, "G3", None),
]


def _settings(tmp_path: Path, rules: dict[str, str]) -> Settings:
    sources = [
        SourceSettings(name=name, primary_key="id", mapping={"source_record_id": "id"}, trust=trust)
        for name, trust in (("crm", 60), ("erp", 50))
    ]
    return Settings(home=tmp_path, sources=sources, golden=GoldenSettings(survivorship=rules))


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = open_warehouse(tmp_path / "w.duckdb")
    ensure_tables(con)
    frame = pl.DataFrame(
        [(r[0], r[1], r[2], r[3], json.dumps(r[4], ensure_ascii=False) if r[4] else None) for r in RECORDS],
        schema=["record_key", "source", "day", "golden_id", "attributes"],
        orient="row",
    ).with_columns(
        pl.col("record_key").str.split(":").list.last().alias("source_record_id"),
        (pl.lit(dt.datetime(2025, 1, 1)) + pl.duration(days="day")).alias("updated_at"),
        pl.lit("张伟").alias("name"),
        pl.lit("ok").alias("name_status"),
    )
    con.register("records", frame.to_arrow())
    con.execute(
        "insert into staging.customers by name select $d as snapshot_date, 'L' as load_id, 1 as row_number, "
        "* exclude (day, golden_id) from records",
        {"d": DAY},
    )
    store_state(con, CLUSTERS, DAY.isoformat(), con.sql(
        "select record_key, 'person' as customer_type, golden_id as cluster_key, golden_id, "
        "1 as cluster_size, golden_id as component_key from records"
    ))  # fmt: skip
    yield con
    con.close()


def _golden(con: duckdb.DuckDBPyConnection) -> dict[str, dict | None]:
    rows = con.execute("select golden_id, attributes from golden.customers where as_of_date = $d", {"d": DAY})
    return {g: json.loads(a) if a else None for g, a in rows.fetchall()}


def _provenance(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple]:
    rows = con.execute(
        "select golden_id, field, value, source_record_id, rule, candidates from golden.provenance "
        "where as_of_date = $d and field like 'attributes.%'",
        {"d": DAY},
    ).fetchall()
    return {(g, f): tuple(rest) for g, f, *rest in rows}


def test_attributes_survive_most_recent_by_default_with_provenance(con, tmp_path: Path) -> None:
    build_golden(con, _settings(tmp_path, {}), DAY.isoformat())
    golden = _golden(con)
    # tier: erp:2 is the most recent; channel: the blank value of erp:3 is no candidate.
    assert golden["G1"] == {"channel": "web", "tier": "银卡"}
    assert golden["G2"] == {"employee_no": "2406"}
    assert golden["G3"] is None
    provenance = _provenance(con)
    assert provenance[("G1", "attributes.tier")] == ("银卡", "2", "most_recent", 3)
    assert provenance[("G1", "attributes.channel")] == ("web", "1", "consensus", 1)
    assert provenance[("G2", "attributes.employee_no")] == ("2406", "4", "consensus", 1)


def test_attribute_rules_are_configurable_per_key_or_for_all(con, tmp_path: Path) -> None:
    build_golden(con, _settings(tmp_path, {"attributes.tier": "most_trusted_source"}), DAY.isoformat())
    assert _golden(con)["G1"]["tier"] == "金卡"
    assert _provenance(con)[("G1", "attributes.tier")][2] == "most_trusted_source"
    build_golden(con, _settings(tmp_path, {"attributes": "most_frequent"}), DAY.isoformat())
    assert _golden(con)["G1"]["tier"] == "银卡"
    assert _provenance(con)[("G1", "attributes.tier")][2] == "most_frequent"


def test_unknown_survivorship_fields_are_still_refused(tmp_path: Path) -> None:
    from dq_project.golden.survivorship import survivorship_rules

    with pytest.raises(ValueError, match="unknown fields \\['tier'\\]"):
        survivorship_rules({"tier": "most_recent"})
    assert "attributes.tier" in survivorship_rules({"attributes.tier": "most_recent"})["field"].to_list()


def test_golden_export_carries_the_attributes(con, tmp_path: Path) -> None:
    build_golden(con, _settings(tmp_path, {}), DAY.isoformat())
    out = tmp_path / "golden.csv"
    assert export(con, "golden", out, DAY) == 3
    exported = pl.read_csv(out, infer_schema_length=0).sort("golden_id")
    assert json.loads(exported["attributes"][0]) == {"channel": "web", "tier": "银卡"}
