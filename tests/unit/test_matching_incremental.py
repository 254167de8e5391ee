"""Incremental linkage: the pair union on tiny frames, and incremental vs full on generated records
in a warehouse (day 1 linked in full; day 2 adds records, changes some, re-delivers the rest)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tomllib
from pathlib import Path

import duckdb
import polars as pl
import pytest
from dq_generator.accuracy import stage_generated

from dq_project.golden.survivorship import build_golden_incrementally
from dq_project.matching.derive import legacy_derivation
from dq_project.matching.evaluation import pairwise_score
from dq_project.matching.incremental import fingerprint
from dq_project.matching.model import CUSTOMER_TYPES, candidate_rule_groups, prediction_rules
from dq_project.matching.snapshot import build_review_queue, link_snapshot, plan_run
from dq_project.settings import MatchingSettings, load_settings
from dq_project.stewardship.decisions import ensure_tables
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import query_frame
from dq_project.warehouse.versioned import CLUSTERS, store_state

CONFIG = Path(__file__).parents[2] / "dq.toml"
DAY1, DAY2 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
# max_cluster_size 2: every entity of 3+ records is in the review queue (a fuller queue to compare)
SETTINGS = MatchingSettings(max_pairs_u=2e5, min_training_records=20, max_cluster_size=2)


def test_fingerprint_follows_the_saved_model(tmp_path: Path) -> None:
    before = fingerprint(tmp_path, SETTINGS)
    (tmp_path / "splink_person.json").write_text(json.dumps({"comparisons": []}), encoding="utf-8")
    assert fingerprint(tmp_path, SETTINGS) != before
    assert fingerprint(tmp_path, MatchingSettings(pair_floor=0.5)) != fingerprint(tmp_path, SETTINGS)


def test_candidate_groups_hold_every_prediction_rule_once_by_leading_key() -> None:
    def sql(rule) -> str:
        return rule.get_blocking_rule("duckdb").blocking_rule_sql

    for customer_type in CUSTOMER_TYPES:
        derivation = legacy_derivation(customer_type)
        grouped = [sql(rule) for group in candidate_rule_groups(derivation) for rule in group]
        assert sorted(grouped) == sorted(map(sql, prediction_rules(derivation)))
    # person: the 3 birth-date rules and the 5 name-key ones (2 of them written as SQL) share a join
    sizes = [len(group) for group in candidate_rule_groups(legacy_derivation("person"))]
    assert sizes == [1, 1, 1, 3, 1, 1, 5, 1, 1]
    assert [len(group) for group in candidate_rule_groups(legacy_derivation("company"))] == [1] * 6


def _load(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, day: dt.date, load_id: str) -> None:
    columns = [c for (c,) in con.execute("select column_name from (describe staging.customers)").fetchall()]
    staged = frame.with_columns(
        snapshot_date=pl.lit(day), load_id=pl.lit(load_id), row_number=pl.int_range(1, frame.height + 1)
    )
    con.register("staged_frame", staged.select(c for c in columns if c in staged.columns).to_arrow())
    con.execute("insert into staging.customers by name select * from staged_frame")
    con.unregister("staged_frame")


def _golden(con: duckdb.DuckDBPyConnection, day: dt.date, full: bool) -> str:
    mode, _ = build_golden_incrementally(con, load_settings(CONFIG, env={}), day.isoformat(), full=full)
    return mode


def _clusters(con: duckdb.DuckDBPyConnection, day: dt.date) -> pl.DataFrame:
    columns = "record_key, cluster_key, golden_id, component_key"
    query = f"select {columns} from matching.clusters where as_of_date = $d"
    return con.execute(query, {"d": day}).pl()


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Day 1: 90% of ~1,500 generated records, linked in full. Day 2: the rest added, 2% of day 1's
    records changed (mobile removed or email replaced), every other record re-delivered as it was;
    linked incrementally, then the same date re-linked in full into a second warehouse."""
    tmp = tmp_path_factory.mktemp("incremental")
    sources = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["sources"]
    staged, _ = stage_generated(1500, 7, tmp / "gen", sources, DAY1)
    bucket = pl.col("record_key").hash(11) % 100
    first = staged.filter(bucket >= 10)
    touched = (bucket >= 10) & (bucket < 12)
    second = staged.with_columns(
        mobile=pl.when(touched & (bucket == 10)).then(None).otherwise(pl.col("mobile")),
        email=pl.when(touched & (bucket == 11)).then(pl.lit("someone.else@example.com")).otherwise("email"),
    )
    runs = {}
    for mode in ("incremental", "full"):
        con = open_warehouse(tmp / f"{mode}.duckdb")
        ensure_tables(con)
        _load(con, first, DAY1, "L1")
        link_snapshot(con, DAY1.isoformat(), tmp / f"models_{mode}", SETTINGS)
        golden_modes = [_golden(con, DAY1, full=False)]
        _load(con, second, DAY2, "L2")
        outcome = link_snapshot(con, DAY2.isoformat(), tmp / f"models_{mode}", SETTINGS, full=mode == "full")
        golden_modes.append(_golden(con, DAY2, full=mode == "full"))
        pairs = con.execute("select * from matching.pairs where as_of_date = $d", {"d": DAY2}).pl()
        runs[mode] = {"outcome": outcome, "clusters": _clusters(con, DAY2), "pairs": pairs}
        runs[mode]["run"] = con.execute("select * from matching.runs order by as_of_date").pl()
        runs[mode]["golden_modes"] = golden_modes
        queue = "select * from matching.review_queue where as_of_date = $d order by all"
        runs[mode]["queue"] = con.execute(queue, {"d": DAY2}).pl()
        build_review_queue(con, DAY2.isoformat(), SETTINGS)  # in full, from the same stored pairs
        runs[mode]["queue_rebuilt"] = con.execute(queue, {"d": DAY2}).pl()
        for table, order in (("customers", "golden_id"), ("provenance", "golden_id, field")):
            query = f"select * from golden.{table} where as_of_date = $d order by {order}"
            runs[mode][table] = con.execute(query, {"d": DAY2}).pl()
        con.close()
    differs = pl.any_horizontal(second[c].ne_missing(staged[c]) for c in ("mobile", "email"))
    expected_changed = staged.filter((bucket < 10) | differs).height
    return {**runs, "expected_changed": expected_changed, "records": staged.height, "tmp": tmp}


def test_second_day_links_only_new_and_changed_records(linked: dict) -> None:
    run = linked["incremental"]["run"]
    assert run["mode"].to_list() == ["full", "incremental"]
    assert run["reason"].to_list() == ["no previous run", "unchanged models"]
    assert run["changed_records"][1] == linked["expected_changed"]
    assert linked["full"]["run"]["mode"].to_list() == ["full", "full"]
    assert linked["full"]["run"]["reason"][1] == "requested"


def test_incremental_clusters_agree_with_a_full_run(linked: dict) -> None:
    incremental, full = linked["incremental"], linked["full"]
    assert incremental["clusters"].height == full["clusters"].height == linked["records"]
    truth = full["clusters"].select("record_key", entity_id="cluster_key")
    score = pairwise_score(incremental["clusters"], truth)
    assert score.true_pairs > 50
    assert score.f1 >= 0.99, score
    # Only the touched entities were re-clustered, yet every record has the entity and golden ID a
    # full run gives it.
    ordered = [c.sort("record_key") for c in (incremental["clusters"], full["clusters"])]
    assert ordered[0].equals(ordered[1])


def test_incremental_pairs_agree_with_a_full_run(linked: dict) -> None:
    keys = ["record_key_l", "record_key_r"]
    joined = linked["incremental"]["pairs"].join(linked["full"]["pairs"], on=keys, how="full", suffix="_full")
    both = joined.drop_nulls(["match_probability", "match_probability_full"])
    assert both.height >= 0.99 * joined.height
    # Kept pairs keep day 1's term-frequency adjustments; the scores barely move.
    assert (both["match_probability"] - both["match_probability_full"]).abs().max() < 0.05
    assert (both["band"] == both["band_full"]).mean() >= 0.99


def test_incremental_review_queue_equals_a_full_rebuild(linked: dict) -> None:
    # The incremental queue re-flags the re-clustered entities and carries the others over from
    # day 1: the same rows as flagging every stored pair of day 2.
    incremental = linked["incremental"]
    assert incremental["queue"].height > 10
    assert incremental["queue"].equals(incremental["queue_rebuilt"])


def test_incremental_golden_records_equal_a_full_build(linked: dict) -> None:
    assert linked["incremental"]["golden_modes"] == ["full", "incremental"]
    assert linked["full"]["golden_modes"] == ["full", "full"]
    for table in ("customers", "provenance"):
        incremental, full = linked["incremental"][table], linked["full"][table]
        assert incremental.height > 1000 and incremental.equals(full), table


def test_clusters_without_component_keys_make_the_next_run_full(linked: dict, tmp_path: Path) -> None:
    # A warehouse whose previous date was linked before component keys were stored (an older dq).
    path = tmp_path / "w.duckdb"
    shutil.copyfile(linked["tmp"] / "incremental.duckdb", path)
    con = open_warehouse(path)
    models = linked["tmp"] / "models_incremental"
    assert plan_run(con, DAY2.isoformat(), models, SETTINGS).mode == "incremental"
    con.execute(
        "update matching.cluster_versions set component_key = null where valid_from = $d", {"d": DAY1}
    )
    plan = plan_run(con, DAY2.isoformat(), models, SETTINGS)
    con.close()
    assert (plan.mode, plan.reason) == ("full", "clusters stored without component keys (by an older dq)")


def _affected(con: duckdb.DuckDBPyConnection, changed: list[str], scored: list[tuple]) -> list[str]:
    frames = {
        "changed_frame": pl.DataFrame({"record_key": changed}, schema={"record_key": pl.String}),
        "decision_keys_frame": pl.DataFrame(schema={"record_key": pl.String}),
        "scored_frame": pl.DataFrame(
            scored,
            schema={"record_key_l": pl.String, "record_key_r": pl.String, "match_probability": pl.Float64},
            orient="row",
        ).with_columns(merge_threshold=pl.lit(0.95)),  # the pair's type's threshold
    }
    for name, frame in frames.items():
        con.register(name, frame.to_arrow())
    params = {"previous_date": DAY1}
    return query_frame(con, "matching/select_affected_records", **params)["record_key"].to_list()


def test_a_new_record_reclusters_the_whole_previous_component(tmp_path: Path) -> None:
    # Day 1: a1-a2-a3 one component, cut by an ID conflict into G1 {a1, a2} and G2 {a3}; b1-b2 another
    # entity; c1 alone.
    con = open_warehouse(tmp_path / "w.duckdb")
    rows = [("a1", "a1", "G1", "a1"), ("a2", "a1", "G1", "a1"), ("a3", "a3", "G2", "a1"),
            ("b1", "b1", "G3", "b1"), ("b2", "b1", "G3", "b1"), ("c1", "c1", "G4", "c1")]  # fmt: skip
    clusters = pl.DataFrame(
        rows, schema=["record_key", "cluster_key", "golden_id", "component_key"], orient="row"
    ).with_columns(customer_type=pl.lit("person"), cluster_size=pl.len().over("golden_id"))
    store_state(con, CLUSTERS, DAY1.isoformat(), clusters)
    # A new record matching a1 alone brings in a1's entity and the part cut off it (a3).
    assert _affected(con, ["n"], [("a1", "n", 0.99)]) == ["a1", "a2", "a3", "n"]
    # A review-band pair brings nothing in; a changed record brings its own component.
    assert _affected(con, ["n"], [("c1", "n", 0.90)]) == ["n"]
    assert _affected(con, ["b2"], []) == ["b1", "b2"]
    con.close()
