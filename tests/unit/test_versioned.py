"""Versioned storage (dq_project.warehouse.versioned): each date shows its own state, whatever the order in
which dates are written, and only changed rows are stored."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import run_template
from dq_project.warehouse.versioned import CLUSTERS, PROVENANCE, replace_state, store_state

D1, D2, D3 = "2026-01-01", "2026-01-02", "2026-01-03"


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = open_warehouse(tmp_path / "w.duckdb")
    yield con
    con.close()


def _clusters(rows: dict[str, str]) -> pl.DataFrame:
    """record_key -> golden_id as cluster rows."""
    return pl.DataFrame(
        {
            "record_key": list(rows),
            "customer_type": ["person"] * len(rows),
            "cluster_key": list(rows),
            "golden_id": list(rows.values()),
            "cluster_size": [1] * len(rows),
            "component_key": list(rows),
        }
    )


def _state(con: duckdb.DuckDBPyConnection, day: str) -> dict[str, str]:
    query = "select record_key, golden_id from matching.clusters where as_of_date = $d"
    return dict(con.execute(query, {"d": day}).fetchall())


def _versions(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select count(*) from matching.cluster_versions").fetchone()[0]


def test_unchanged_rows_keep_one_version_and_changes_cut_it(con) -> None:
    store_state(con, CLUSTERS, D1, _clusters({"a": "G1", "b": "G2"}))
    store_state(con, CLUSTERS, D2, _clusters({"a": "G1", "b": "G2"}))
    assert _versions(con) == 2  # nothing changed on D2: nothing written
    store_state(con, CLUSTERS, D3, _clusters({"a": "G1", "b": "G1"}))
    assert _state(con, D1) == _state(con, D2) == {"a": "G1", "b": "G2"}
    assert _state(con, D3) == {"a": "G1", "b": "G1"}
    assert _versions(con) == 3


def test_rewriting_a_middle_date_leaves_the_others_alone(con) -> None:
    for day in (D1, D2, D3):
        store_state(con, CLUSTERS, day, _clusters({"a": "G1", "b": "G2"}))
    store_state(con, CLUSTERS, D2, _clusters({"a": "G9", "b": "G2"}))
    assert (_state(con, D1), _state(con, D2), _state(con, D3)) == (
        {"a": "G1", "b": "G2"},
        {"a": "G9", "b": "G2"},
        {"a": "G1", "b": "G2"},
    )
    store_state(con, CLUSTERS, D2, _clusters({"a": "G9", "b": "G2"}))  # a re-run writes nothing
    assert _versions(con) == 4


def test_rewriting_the_latest_date_replaces_the_version_it_started(con) -> None:
    store_state(con, CLUSTERS, D1, _clusters({"a": "G1"}))
    store_state(con, CLUSTERS, D2, _clusters({"a": "G2"}))
    store_state(con, CLUSTERS, D2, _clusters({"a": "G3"}))  # D2 computed again, differently
    rows = con.execute("select golden_id from matching.clusters where as_of_date = $d", {"d": D2}).fetchall()
    assert rows == [("G3",)] and _state(con, D1) == {"a": "G1"}
    assert _versions(con) == 2  # G1 ended at D2 in place; G2, started at D2, gone


def test_a_date_before_every_other_gets_its_own_state(con) -> None:
    store_state(con, CLUSTERS, D2, _clusters({"a": "G1"}))
    store_state(con, CLUSTERS, D1, _clusters({"b": "G2"}))
    assert _state(con, D1) == {"b": "G2"} and _state(con, D2) == {"a": "G1"}


def test_a_large_first_build_inside_a_transaction_is_stored_whole(con) -> None:
    # An empty write, then one larger than a DuckDB row group (122,880 rows), in one transaction:
    # in DuckDB 1.4.4 a zero-row INSERT before it made the large one vanish from view.
    rows = 130_000
    frame = pl.DataFrame(
        {
            "golden_id": [f"G{i}" for i in range(rows)],
            "field": ["name"] * rows,
            "value": ["x"] * rows,
            "source": ["crm"] * rows,
            "source_record_id": [str(i) for i in range(rows)],
            "rule": ["consensus"] * rows,
            "candidates": [1] * rows,
        }
    )
    con.begin()
    store_state(con, PROVENANCE, D1, frame.head(0))
    store_state(con, PROVENANCE, D1, frame)
    con.commit()
    count = con.execute("select count(*) from golden.provenance where as_of_date = $d", {"d": D1}).fetchone()
    assert count == (rows,)


def test_a_first_full_build_writes_in_bulk_and_restores_the_settings(con) -> None:
    """The first build at a date is written under BULK_WRITE_SETTINGS; later writes on the
    connection compress as usual."""
    setting = "select current_setting('disabled_compression_methods')"
    default = con.execute(setting).fetchone()
    run_template(con, "versions/insert_date", CLUSTERS.identifiers(), as_of_date=D1)
    con.register("frame", _clusters({"a": "G1", "b": "G2"}).to_arrow())
    con.execute("create temp table state_new as select * from frame")
    assert replace_state(con, CLUSTERS, D1, full=True) == 2
    assert _state(con, D1) == {"a": "G1", "b": "G2"}
    assert con.execute(setting).fetchone() == default
