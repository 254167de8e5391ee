"""Stable golden IDs and their lineage (sql/matching/build_clusters.sql) on tiny tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dq_project.matching.snapshot import assign_golden_ids, store_clusters
from dq_project.stewardship.decisions import ensure_tables
from dq_project.warehouse.resource import open_warehouse

DAYS = [dt.date(2026, 1, d) for d in (1, 2, 3, 4)]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = open_warehouse(tmp_path / "w.duckdb")
    ensure_tables(con)
    keys = [f"crm:{c}" for c in "abcdefgh"]
    con.execute(
        "insert into staging.customers (snapshot_date, load_id, source, source_record_id, record_key, "
        "row_number, customer_type) "
        "select $d, 'L1', 'crm', substr(k, 5), k, 1, 'person' from unnest($k) t(k)",
        {"d": DAYS[0], "k": keys},
    )
    yield con
    con.close()


def _build(con: duckdb.DuckDBPyConnection, day: dt.date, groups: list[str]) -> dict[str, str]:
    """Cluster letters: ['ab', 'c'] -> crm:a and crm:b together. Returns letter -> golden_id."""
    frame = pl.DataFrame(
        [(f"crm:{k}", "person", f"crm:{min(g)}", f"crm:{min(g)}") for g in groups for k in g],
        schema=["record_key", "customer_type", "cluster_key", "component_key"],
        orient="row",
    )
    assign_golden_ids(con, day.isoformat(), frame)
    store_clusters(con, day.isoformat(), full=True)
    rows = con.execute(
        "select record_key, golden_id from matching.clusters where as_of_date = $d", {"d": day}
    ).fetchall()
    return {k[4:]: g for k, g in rows}


def _changes(con: duckdb.DuckDBPyConnection, day: dt.date) -> set[tuple]:
    rows = con.execute(
        "select change, golden_id, related_golden_id, records "
        "from matching.golden_id_changes where as_of_date = $d",
        {"d": day},
    ).fetchall()
    return set(rows)


def test_same_clusters_same_ids_and_rerun_is_idempotent(con) -> None:
    first = _build(con, DAYS[0], ["abc", "de", "f"])
    assert first["a"] == first["b"] == first["c"] and len(set(first.values())) == 3
    assert {c for c, *_ in _changes(con, DAYS[0])} == {"new"}
    assert _build(con, DAYS[1], ["abc", "de", "f"]) == first
    assert _build(con, DAYS[1], ["abc", "de", "f"]) == first
    assert _changes(con, DAYS[1]) == set()
    (count,) = con.execute(
        "select count(*) from matching.clusters where as_of_date = $d", {"d": DAYS[1]}
    ).fetchone()
    assert count == 6


def test_merge_keeps_the_larger_entity_and_retires_the_other(con) -> None:
    first = _build(con, DAYS[0], ["ab", "cde", "f"])
    merged = _build(con, DAYS[1], ["abcde", "f"])
    survivor, retired = first["c"], first["a"]
    assert set(merged.values()) == {survivor, first["f"]}
    assert _changes(con, DAYS[1]) == {("merge", survivor, retired, 2), ("retire", retired, survivor, 2)}


def test_split_keeps_the_id_on_the_largest_part_and_new_parts_get_unused_ids(con) -> None:
    first = _build(con, DAYS[0], ["abcde"])
    split = _build(con, DAYS[1], ["a", "bcde"])
    assert split["b"] == first["a"]
    # The split-off part's smallest key is the one the old ID was derived from: a fresh ID anyway.
    assert split["a"] != first["a"]
    assert _changes(con, DAYS[1]) == {("split", split["a"], first["a"], 1)}
    again = _build(con, DAYS[2], ["abcde"])
    assert again["a"] == first["a"]
    assert ("retire", split["a"], first["a"], 1) in _changes(con, DAYS[2])


def test_new_records_get_new_ids_and_join_existing_ids(con) -> None:
    first = _build(con, DAYS[0], ["ab", "c"])
    later = _build(con, DAYS[1], ["abg", "c", "h"])
    assert later["g"] == first["a"] and later["c"] == first["c"]
    # g joining a's entity changes its membership: recorded too (issue 22)
    assert _changes(con, DAYS[1]) == {("new", later["h"], None, 1), ("members", first["a"], None, 1)}


def _causes(con: duckdb.DuckDBPyConnection, day: dt.date) -> set[tuple]:
    rows = con.execute(
        "select change, golden_id, records, cause from matching.golden_id_changes where as_of_date = $d",
        {"d": day},
    ).fetchall()
    return set(rows)


def test_a_record_moving_between_two_kept_entities_is_recorded_with_its_cause(con) -> None:
    """c moves from {c, d, e} to {a, b}: both IDs stay, neither merges nor splits, and both changes
    of membership are logged, caused by new data; one a steward decision names is caused by it."""
    first = _build(con, DAYS[0], ["ab", "cde", "f"])
    _build(con, DAYS[1], ["abc", "de", "f"])
    assert _causes(con, DAYS[1]) == {
        ("members", first["a"], 1, "new_data"),
        ("members", first["d"], 1, "new_data"),
    }
    con.execute(
        "insert into matching.steward_decisions (decision_id, decided_at, decided_by, action, "
        "record_key_l, record_key_r) values ('D1', $t, 'li', 'merge', 'crm:f', 'crm:a')",
        {"t": dt.datetime.combine(DAYS[2], dt.time(9))},
    )
    merged = _build(con, DAYS[2], ["abcf", "de"])
    survivor = merged["a"]
    assert {c for c in _causes(con, DAYS[2])} == {
        ("merge", survivor, 1, "steward_decision"),
        ("retire", first["f"], 1, "steward_decision"),
    }
