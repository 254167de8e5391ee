"""The review queue's reasons (sql/matching/build_review_queue.sql) and the training-rule fallback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from dq_project.matching.snapshot import build_review_queue
from dq_project.settings import MatchingSettings
from dq_project.stewardship.decisions import ensure_tables, record_decision
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.versioned import CLUSTERS as CLUSTERS_TABLE
from dq_project.warehouse.versioned import PAIRS as PAIRS_TABLE
from dq_project.warehouse.versioned import store_state

DAY = dt.date(2026, 1, 1)
# Final clusters: {a, b, c} (oversized at limit 2), {d}, {e}; pairs with their bands.
CLUSTERS = [("a", "a", 3), ("b", "a", 3), ("c", "a", 3), ("d", "d", 1), ("e", "e", 1)]
PAIRS = [
    ("a", "b", 0.99, "merge"),
    ("b", "c", 0.97, "merge"),  # the weakest link of the oversized cluster
    ("c", "d", 0.99, "merge"),  # merge band but apart: cut by a cannot-link
    ("d", "e", 0.70, "review"),
    ("a", "e", 0.65, "review"),  # decided by a steward: left out
]


def test_reasons_and_decided_pairs(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    ensure_tables(con)
    clusters = pl.DataFrame(CLUSTERS, schema=["record_key", "cluster_key", "cluster_size"], orient="row")
    store_state(con, CLUSTERS_TABLE, DAY, clusters.with_columns(
        customer_type=pl.lit("person"), golden_id="G" + pl.col("cluster_key"), component_key="cluster_key"
    ).to_arrow())  # fmt: skip
    columns = ["record_key_l", "record_key_r", "match_probability", "band"]
    pairs = pl.DataFrame(PAIRS, schema=columns, orient="row")
    store_state(con, PAIRS_TABLE, DAY, pairs.with_columns(
        customer_type=pl.lit("person"), match_weight=pl.lit(1.0), weights=pl.lit("{}")
    ).to_arrow())  # fmt: skip
    record_decision(con, "keep_apart", decided_by="li", left="e", right="a")
    build_review_queue(con, DAY, MatchingSettings(max_cluster_size=2))
    rows = set(con.execute("select reason, record_key_l, record_key_r from matching.review_queue").fetchall())
    con.close()
    assert rows == {
        ("oversized_cluster", "b", "c"),
        ("id_conflict", "c", "d"),
        ("uncertain_match", "d", "e"),
    }


def test_an_incremental_queue_flags_its_scope_again_and_carries_the_rest_over(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    ensure_tables(con)
    clusters = pl.DataFrame(CLUSTERS, schema=["record_key", "cluster_key", "cluster_size"], orient="row")
    person = {"customer_type": pl.lit("person")}
    component = {"component_key": pl.col("cluster_key")}
    store_state(
        con,
        CLUSTERS_TABLE,
        DAY,
        clusters.with_columns(**person, **component, golden_id="G" + pl.col("cluster_key")),
    )
    pairs = pl.DataFrame(
        PAIRS, schema=["record_key_l", "record_key_r", "match_probability", "band"], orient="row"
    )
    extra = {"match_weight": pl.lit(1.0), "weights": pl.lit("{}")}
    store_state(con, PAIRS_TABLE, DAY, pairs.with_columns(**person, **extra))
    record_decision(con, "keep_apart", decided_by="li", left="e", right="a")
    settings = MatchingSettings(max_cluster_size=2)
    build_review_queue(con, DAY, settings)
    # the next day d and e became one entity: only they are re-clustered (the scope)
    day2 = DAY + dt.timedelta(days=1)
    merged = pl.DataFrame({"record_key": ["d", "e"], "cluster_key": ["d", "d"], "cluster_size": [2, 2]})
    store_state(con, CLUSTERS_TABLE, day2, merged.with_columns(**person, **component, golden_id=pl.lit("Gd")))
    rescored = pl.DataFrame({"record_key_l": ["d"], "record_key_r": ["e"], "match_probability": [0.99],
                             "band": ["merge"]})  # fmt: skip
    store_state(con, PAIRS_TABLE, day2, rescored.with_columns(**person, **extra))
    query = (
        "select reason, record_key_l, record_key_r, same_entity_now from matching.review_queue"
        " where as_of_date = $d"
    )
    build_review_queue(con, day2, settings, merged.select("record_key"), previous_date=DAY)
    incremental = set(con.execute(query, {"d": day2}).fetchall())
    build_review_queue(con, day2, settings)
    full = set(con.execute(query, {"d": day2}).fetchall())
    con.close()
    # b-c carried over (a, b, c untouched); d-e merged now; c-d is no longer flagged: it joins
    # {a, b, c} and {d, e}, two entities the steward's keep_apart(e, a) separates
    assert incremental == full == {("oversized_cluster", "b", "c", True)}


def _store(con, day: dt.date, clusters: list[tuple[str, str, int]], pairs: list[tuple]) -> None:
    frame = pl.DataFrame(clusters, schema=["record_key", "cluster_key", "cluster_size"], orient="row")
    store_state(con, CLUSTERS_TABLE, day, frame.with_columns(
        customer_type=pl.lit("person"), golden_id="G" + pl.col("cluster_key"), component_key="cluster_key"
    ).to_arrow())  # fmt: skip
    columns = ["record_key_l", "record_key_r", "match_probability", "band"]
    store_state(con, PAIRS_TABLE, day, pl.DataFrame(pairs, schema=columns, orient="row").with_columns(
        customer_type=pl.lit("person"), match_weight=pl.lit(1.0), weights=pl.lit("{}")
    ).to_arrow())  # fmt: skip


def test_unmerge_and_keep_apart_raise_no_review_items_about_themselves(tmp_path: Path) -> None:
    """An unmerged entity's merge-band pairs (identical IDs, probability 1.0) and the pairs across two
    entities a keep-apart separates are the decisions at work: not queued as id_conflict."""
    con = open_warehouse(tmp_path / "w.duckdb")
    ensure_tables(con)
    together = [("a", "a", 3), ("b", "a", 3), ("c", "a", 3), ("x", "x", 2), ("y", "x", 2), ("z", "z", 1)]
    pairs = [("a", "b", 1.0, "merge"), ("b", "c", 1.0, "merge"), ("a", "c", 1.0, "merge"),
             ("x", "y", 0.99, "merge"), ("y", "z", 0.99, "merge")]  # fmt: skip
    _store(con, DAY, together, pairs)
    record_decision(con, "unmerge", decided_by="li", golden_id="Ga")
    record_decision(con, "keep_apart", decided_by="li", left="x", right="z")
    apart = [("a", "a", 1), ("b", "b", 1), ("c", "c", 1), ("x", "x", 2), ("y", "x", 2), ("z", "z", 1)]
    _store(con, DAY + dt.timedelta(days=1), apart, pairs)
    build_review_queue(con, DAY + dt.timedelta(days=1), MatchingSettings(max_cluster_size=5))
    rows = con.execute("select reason, record_key_l, record_key_r from matching.review_queue").fetchall()
    con.close()
    assert rows == []
