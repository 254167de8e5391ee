"""Link one as_of_date in the warehouse: choose a full or an incremental run, resolve, write
matching.pairs / clusters / review_queue and record the run in matching.runs.

An incremental run needs the previous linked date to have been linked under the same fingerprint
(models, pair floor, feature and model code) and no model to train now; otherwise, or on request
(`full`), or when retraining, the run is full.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from dq_project.matching.incremental import fingerprint, resolve_increment, would_train
from dq_project.matching.resolve import MatchResult, resolve_entities, with_thresholds
from dq_project.settings import MatchingSettings
from dq_project.stewardship.decisions import load_decisions
from dq_project.warehouse.sql import BULK_WRITE_SETTINGS, query_frame, query_sql, run_sql, session_settings
from dq_project.warehouse.versioned import CLUSTERS, PAIRS, replace_state


@dataclass
class RunPlan:
    """Full or incremental, why, and for an incremental run what it builds on."""

    mode: str  # full | incremental
    reason: str
    previous_date: dt.date | None = None
    changed: pl.Series | None = None  # record keys new or changed since previous_date


@dataclass
class LinkOutcome:
    """What link_snapshot did."""

    result: MatchResult
    plan: RunPlan
    records: int
    decisions: int
    seconds: float


# Plan reasons that mean this run links with other models than the previous one.
MODEL_REASONS = ("retrain", "a model is to be trained", "models or code changed")


def plan_run(
    con: duckdb.DuckDBPyConnection,
    as_of: str,
    model_dir: Path,
    settings: MatchingSettings,
    *,
    retrain: bool = False,
    full: bool = False,
) -> RunPlan:
    """Decide between a full and an incremental run (see the module docstring)."""
    if full:
        return RunPlan("full", "requested")
    if retrain:
        return RunPlan("full", "retrain")
    basis = query_sql(con, "matching/select_incremental_basis", as_of_date=as_of).fetchall()
    if not basis:
        return RunPlan("full", "no previous run")
    ((previous_date, previous_print),) = basis
    ((latest,),) = query_sql(con, "matching/select_latest_linked_date").fetchall()
    if latest > dt.date.fromisoformat(str(as_of)):
        return RunPlan("full", "a later date is linked already")
    counts = dict(query_sql(con, "matching/select_type_counts", as_of_date=previous_date).fetchall())
    if would_train(counts, model_dir, settings):
        return RunPlan("full", "a model is to be trained")
    if previous_print != fingerprint(model_dir, settings):
        return RunPlan("full", "models or code changed")
    cache = query_sql(con, "matching/select_feature_cache_size", as_of_date=latest).fetchall()
    ((cached, clustered),) = cache
    if cached != clustered:
        return RunPlan("full", "no feature cache of the previous run")
    keyless = query_sql(con, "matching/select_keyless_components", previous_date=previous_date).fetchall()
    if keyless[0][0]:
        return RunPlan("full", "clusters stored without component keys (by an older dq)")
    dates = {"as_of_date": as_of, "previous_date": previous_date}
    changed = query_frame(con, "matching/select_changed_records", **dates)["record_key"]
    return RunPlan("incremental", "unchanged models", previous_date, changed)


def link_snapshot(
    con: duckdb.DuckDBPyConnection,
    as_of: str,
    model_dir: Path,
    settings: MatchingSettings,
    *,
    retrain: bool = False,
    full: bool = False,
) -> LinkOutcome:
    """Link the current records as of `as_of` and write the matching tables of that date."""
    started = time.perf_counter()
    decisions = load_decisions(con, as_of)  # made on or before the date: a backfill keeps history
    plan = plan_run(con, as_of, model_dir, settings, retrain=retrain, full=full)
    if plan.mode == "incremental":
        result = resolve_increment(
            con, as_of, plan.previous_date, plan.changed, model_dir, settings, decisions=decisions
        )
        records = result.records
    else:
        con.register("keys_frame", pl.DataFrame(schema={"record_key": pl.String}).to_arrow())
        records = query_frame(
            con,
            "staging/select_matching_records",
            as_of_date=as_of,
            all_records=True,
            changed_since=None,
        )
        con.unregister("keys_frame")
        result = resolve_entities(records, model_dir, settings, retrain=retrain, decisions=decisions)
    _write(con, as_of, result, records, settings, plan)
    ((total,),) = query_sql(con, "matching/select_feature_cache_size_total").fetchall()
    seconds = time.perf_counter() - started
    run_sql(
        con,
        "matching/insert_run",
        as_of_date=as_of,
        mode=plan.mode,
        reason=plan.reason,
        fingerprint=fingerprint(model_dir, settings),
        previous_date=plan.previous_date,
        records=total,
        changed_records=None if plan.changed is None else plan.changed.len(),
        pairs=result.pairs.height,
        seconds=seconds,
    )
    return LinkOutcome(result, plan, total, decisions.height, seconds)


def _write(
    con: duckdb.DuckDBPyConnection,
    as_of: str,
    result: MatchResult,
    records: pl.DataFrame,
    settings: MatchingSettings,
    plan: RunPlan,
) -> None:
    """matching.pairs, clusters (stable golden IDs) and review_queue of the date, in one transaction.

    A full run replaces the whole state of the date; an incremental one replaces the pairs touching
    the plan's changed records, and the clusters and review rows of the records in result.clusters."""
    changed = plan.changed if plan.mode == "incremental" else None
    clusters = result.clusters.join(
        records.select("record_key", "customer_type"), on="record_key", how="inner", maintain_order="left"
    )
    # Before the transaction: the feature cache (a pure function of each record's staged values,
    # so a run failing later leaves it valid) and the golden ID assignment (read only). Temp tables
    # made inside a transaction have no statistics, and DuckDB scans them 2-3x slower.
    con.register("features_frame", result.features.to_arrow(compat_level=pl.CompatLevel.newest()))  # no copy
    with session_settings(con, BULK_WRITE_SETTINGS):
        run_sql(con, "matching/store_features", full=changed is None)
    con.unregister("features_frame")
    assign_golden_ids(con, as_of, clusters)
    con.begin()
    store_pairs(con, as_of, result.pairs, result.thresholds or {}, changed)
    store_clusters(con, as_of, full=changed is None, model_changed=plan.reason in MODEL_REASONS)
    build_review_queue(con, as_of, settings, None if changed is None else clusters, plan.previous_date)
    con.commit()


def build_review_queue(
    con: duckdb.DuckDBPyConnection,
    as_of: str,
    settings: MatchingSettings,
    scope: pl.DataFrame | None = None,
    previous_date: object = None,
) -> None:
    """The date's review queue from its stored pairs and clusters: all of it, or (incremental) the
    rows of the `scope` records (a frame with record_key: whole entities) anew and the others' rows
    carried over from `previous_date` (sql/matching/build_review_queue.sql)."""
    keys = pl.DataFrame(schema={"record_key": pl.String}) if scope is None else scope.select("record_key")
    con.register("review_scope", keys.to_arrow())
    try:
        run_sql(
            con,
            "matching/build_review_queue",
            as_of_date=as_of,
            previous_date=previous_date,
            full=scope is None,
            max_cluster_size=settings.max_cluster_size,
        )
    finally:
        con.unregister("review_scope")


def store_pairs(
    con: duckdb.DuckDBPyConnection,
    as_of: str,
    pairs: pl.DataFrame,
    thresholds: dict[str, tuple[float, float]],
    changed: pl.Series | None,
) -> None:
    """Store scored pairs (PAIR_SCHEMA) as the date's pairs, banded by their type's thresholds
    (type -> (merge, review); a type not listed: thresholds.FALLBACK): all of them (`changed`
    None), or those touching the `changed` records."""
    run_sql(con, "matching/insert_linked_date", as_of_date=as_of)
    con.register("pairs_frame", with_thresholds(pairs, thresholds).to_arrow())
    run_sql(con, "matching/build_pairs")
    con.unregister("pairs_frame")
    if changed is not None:
        con.register("changed_frame", changed.to_frame("record_key").to_arrow())
        run_sql(con, "matching/build_pair_scope", as_of_date=as_of)
        con.unregister("changed_frame")
    replace_state(con, PAIRS, as_of, full=changed is None)


def assign_golden_ids(con: duckdb.DuckDBPyConnection, as_of: str, clusters: pl.DataFrame) -> None:
    """Step 1 of storing clusters (record_key, customer_type, cluster_key, component_key) with
    stable golden IDs: registers them as clusters_frame and makes temp table golden_assignment
    (sql/matching/assign_golden_ids.sql, read only); store_clusters is step 2."""
    con.register("clusters_frame", clusters.to_arrow())
    run_sql(con, "matching/assign_golden_ids", as_of_date=as_of)


def store_clusters(
    con: duckdb.DuckDBPyConnection, as_of: str, *, full: bool, model_changed: bool = False
) -> None:
    """Step 2: store the clusters given to assign_golden_ids, with their golden IDs, as the date's
    clusters: all records (`full`), or those records, which must be whole entities before and after.
    `model_changed` gives ID changes not caused by a steward decision the cause model_change."""
    run_sql(con, "matching/insert_linked_date", as_of_date=as_of)
    run_sql(con, "matching/build_clusters", as_of_date=as_of, model_changed=model_changed)
    if not full:
        run_sql(con, "matching/build_cluster_scope")
    con.unregister("clusters_frame")
    replace_state(con, CLUSTERS, as_of, full=full)
