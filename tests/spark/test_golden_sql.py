"""Every golden statement, transpiled to Spark SQL (dq_project.engine.spark.golden_sql), resolves in
Spark's analyzer against empty tables of the warehouse's schemas, and the whole build runs on them:
a DuckDB-only construct slipped into sql/golden/ fails here, not in the middle of a run."""

from __future__ import annotations

import pytest

from dq_project.engine.spark.golden_sql import GOLDEN_FILES, spark_statements, view_name

INPUTS = (
    "staging.customers",
    "matching.clusters",
    "matching.steward_decisions",
    "matching.golden_id_changes",
)


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from dq_project.engine.spark.session import start_session
    from dq_project.settings import EngineSettings

    lake = tmp_path_factory.mktemp("lake")
    return start_session(EngineSettings(kind="spark", master="local[2]"), str(lake))


@pytest.fixture(scope="module")
def empty_inputs(spark, tmp_path_factory):
    """Empty views of the golden build's inputs, with the warehouse's column types."""
    import polars as pl
    import pyarrow as pa

    from dq_project.engine.spark.golden import _driver_frame
    from dq_project.golden.survivorship import survivorship_rules
    from dq_project.settings import PROJECT_ROOT
    from dq_project.stewardship.decisions import ensure_tables
    from dq_project.warehouse.resource import WarehouseResource

    home = tmp_path_factory.mktemp("home")
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home))
    with warehouse.connect() as con:
        ensure_tables(con)
        for table in INPUTS:
            rows = con.sql(f"select * from {table} limit 0").fetch_arrow_table()  # noqa: S608 (constant names)
            if table == "staging.customers":
                rows = rows.append_column(pa.field("rowid", pa.int64()), pa.chunked_array([], pa.int64()))
            _driver_frame(spark, rows).createOrReplaceTempView(view_name(table))
    frames = {
        "source_trust": pl.DataFrame(schema={"source": pl.String, "trust": pl.Int64}),
        "field_rules": survivorship_rules(),
        "golden_scope": pl.DataFrame(schema={"golden_id": pl.String}),
    }
    for name, frame in frames.items():
        _driver_frame(spark, frame.to_arrow()).createOrReplaceTempView(name)


def test_every_golden_statement_has_a_spark_form():
    steps = [step for name in GOLDEN_FILES for step in spark_statements(name)]
    assert {s.kind for s in steps} == {"view", "append", "add_column", "update", "drop"}
    queries = " ".join(s.sql.upper() for s in steps)
    for duckdb_only in (
        "ARG_MIN_NULL",
        "UNIX_TIMESTAMP",
        " EXCLUDE",
        "REPLACE (",
        "INTO NAME",
        "JSON_KEYS",
        "->>",
    ):
        assert duckdb_only not in queries, duckdb_only


def test_every_golden_statement_resolves_and_runs(spark, empty_inputs):
    from dq_project.engine.spark.golden import run_golden_statements

    analyzed = []
    for name in GOLDEN_FILES:
        for step in spark_statements(name):
            if step.sql:
                analyzed.append((name, step.kind, step.target))
    views = run_golden_statements(spark, "2026-11-20")  # each query is analyzed as it is registered
    assert len(analyzed) == 7  # 5 views, 1 append, 1 update
    provenance, customers = views["state_new"], views["customers_new"]
    assert provenance.columns == [
        "golden_id",
        "field",
        "value",
        "source",
        "source_record_id",
        "rule",
        "candidates",
    ]
    assert {
        "golden_id",
        "name",
        "birth_date",
        "record_count",
        "sources",
        "implicit_record_id",
        "attributes",
    } <= set(customers.columns)
    assert provenance.count() == 0 and customers.count() == 0
