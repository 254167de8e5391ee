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
from dq_project.matching.model import MatchSettings
from dq_project.matching.resolve import MatchResult, resolve_entities
from dq_project.sql import query_frame, query_sql, run_sql
from dq_project.stewardship import load_decisions


@dataclass
class RunPlan:
    """Full or incremental, why, and for an incremental run what it builds on."""

    mode: str  # full | incremental
    reason: str
    previous_date: dt.date | None = None
    changed: pl.Series | None = None  # record keys new or changed since previous_date
    previous_pairs: pl.DataFrame | None = None


@dataclass
class LinkOutcome:
    """What link_snapshot did."""

    result: MatchResult
    plan: RunPlan
    records: int
    decisions: int
    seconds: float


def plan_run(
    con: duckdb.DuckDBPyConnection,
    as_of: str,
    records: pl.DataFrame,
    model_dir: Path,
    settings: MatchSettings,
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
    if would_train(records, model_dir, settings):
        return RunPlan("full", "a model is to be trained")
    if previous_print != fingerprint(model_dir, settings):
        return RunPlan("full", "models or code changed")
    dates = {"as_of_date": as_of, "previous_date": previous_date}
    changed = query_frame(con, "matching/select_changed_records", **dates)["record_key"]
    pairs = query_frame(con, "matching/select_previous_pairs", as_of_date=previous_date)
    return RunPlan("incremental", "unchanged models", previous_date, changed, pairs)


def link_snapshot(
    con: duckdb.DuckDBPyConnection,
    as_of: str,
    model_dir: Path,
    settings: MatchSettings,
    *,
    retrain: bool = False,
    full: bool = False,
) -> LinkOutcome:
    """Link the current records as of `as_of` and write the matching tables of that date."""
    started = time.perf_counter()
    records = query_frame(con, "staging/select_current_customers", as_of_date=as_of)
    decisions = load_decisions(con)
    plan = plan_run(con, as_of, records, model_dir, settings, retrain=retrain, full=full)
    if plan.mode == "incremental":
        result = resolve_increment(
            records, model_dir, settings, plan.changed, plan.previous_pairs, decisions=decisions
        )
    else:
        result = resolve_entities(records, model_dir, settings, retrain=retrain, decisions=decisions)
    _write(con, as_of, result, settings)
    seconds = time.perf_counter() - started
    run_sql(
        con,
        "matching/insert_run",
        as_of_date=as_of,
        mode=plan.mode,
        reason=plan.reason,
        fingerprint=fingerprint(model_dir, settings),
        previous_date=plan.previous_date,
        records=records.height,
        changed_records=None if plan.changed is None else plan.changed.len(),
        pairs=result.pairs.height,
        seconds=seconds,
    )
    return LinkOutcome(result, plan, records.height, decisions.height, seconds)


def _write(con: duckdb.DuckDBPyConnection, as_of: str, result: MatchResult, settings: MatchSettings) -> None:
    """matching.pairs, clusters (stable golden IDs) and review_queue of the date, in one transaction."""
    thresholds = {"merge_threshold": settings.merge_threshold, "review_threshold": settings.review_threshold}
    con.begin()
    con.register("pairs_frame", result.pairs.to_arrow())
    con.register("clusters_frame", result.clusters.to_arrow())
    run_sql(con, "matching/build_pairs", as_of_date=as_of, **thresholds)
    run_sql(con, "matching/build_clusters", as_of_date=as_of)
    run_sql(con, "matching/build_review_queue", as_of_date=as_of, max_cluster_size=settings.max_cluster_size)
    con.unregister("pairs_frame")
    con.unregister("clusters_frame")
    con.commit()
