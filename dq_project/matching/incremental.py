"""Incremental linkage: link new and changed records against the existing ones with the saved model.

A full run scores every blocked pair of the current records. When the previous linked date was
linked with the same models and code (same fingerprint), the pairs among records unchanged since
then are still valid; only pairs touching a new or changed record need scoring, and only the
entities those pairs (or steward decisions) touch need clustering again. So an incremental run:

1. computes features for the changed records only (matching.features caches everyone else's);
2. finds, with each of the model's blocking rules, the cached records a changed record could pair
   with, and scores those pairs with one Splink 5 `predict_between` ((candidates + changed) x
   changed), with term frequencies over all cached records of the type (registered lookups: what
   a full run computes over its whole input);
3. re-clusters the affected components (sql/matching/select_affected_records.sql) with Splink's
   clustering and the same constraints as a full run; every other entity keeps its records.

The result holds only the scored pairs and the affected records' clusters; the writer
(dq_project.matching.snapshot) replaces just those in the versioned tables. Known difference from
a full run: kept pairs keep the term-frequency adjustment of the day they were scored.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
from pathlib import Path

import duckdb
import polars as pl
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from dq_project.matching import cannot_link as cannot_link_module
from dq_project.matching import comparisons as comparisons_module
from dq_project.matching import derive as derive_module
from dq_project.matching import features as features_module
from dq_project.matching import model as model_module
from dq_project.matching.features import prepare_features
from dq_project.matching.health import needs_training
from dq_project.matching.model import (
    CUSTOMER_TYPES,
    candidate_rule_groups,
    prediction_linker,
    saved_model,
)
from dq_project.matching.model_meta import load_derivation, load_meta, meta_path
from dq_project.matching.resolve import (
    PAIR_SCHEMA,
    MatchResult,
    all_thresholds,
    cluster_keys,
    constrained_clusters,
    model_path,
    predictions_to_pairs,
    type_thresholds,
    with_thresholds,
)
from dq_project.normalize import clean as text_module
from dq_project.normalize import name_keys as names_module
from dq_project.normalize import places as places_module
from dq_project.settings import MatchingSettings
from dq_project.warehouse.sql import query_frame, query_template, query_template_union


def fingerprint(model_dir: Path, settings: MatchingSettings) -> str:
    """A digest of what makes stored pairs reusable: each type's saved model JSON and metadata
    (derivation: comparisons and blocking rules; chosen thresholds) or their absence, the pair
    floor and the thresholds in force, and the feature, comparison, derivation and model code (its
    syntax tree: comments aside). A changed derivation thus makes the next run a full one."""
    thresholds = all_thresholds(model_dir, settings)
    digest = hashlib.sha256(
        f"pair_floor={settings.pair_floor};thresholds={sorted(thresholds.items())}".encode()
    )
    for customer_type in CUSTOMER_TYPES:
        path = model_path(model_dir, customer_type)
        for part in (path, meta_path(path)):
            digest.update(customer_type.encode() + (part.read_bytes() if part.exists() else b"<none>"))
    digest.update(_code_digest())
    return digest.hexdigest()


@functools.cache
def _code_digest() -> bytes:
    """The syntax trees of the feature, comparison, derivation and model code, once per process
    (the code a process runs does not change under it; a backfill asks once per date)."""
    modules = (features_module, names_module, places_module, text_module, model_module)
    parts = []
    for module in (*modules, comparisons_module, derive_module, cannot_link_module):
        # the syntax tree: editing a comment or the layout changes no pair
        parts.append(ast.dump(ast.parse(Path(module.__file__).read_text(encoding="utf-8"))).encode())
    return b"".join(parts)


def would_train(counts: dict[str, int], model_dir: Path, settings: MatchingSettings) -> bool:
    """Whether a run without --retrain would train a model (the retrain policy,
    health.needs_training, with `counts` per type): then the run is a full one."""
    return any(needs_training(model_dir, t, counts.get(t, 0), settings) for t in CUSTOMER_TYPES)


def resolve_increment(
    con: duckdb.DuckDBPyConnection,
    as_of: str,
    previous_date: object,
    changed: pl.Series,
    model_dir: Path,
    settings: MatchingSettings,
    decisions: pl.DataFrame | None = None,
) -> MatchResult:
    """Score the pairs touching `changed` records (new or changed since `previous_date`, the last
    run under the same fingerprint) and re-cluster the entities they and steward `decisions` touch.
    Returns those pairs and clusters (and the changed records' features for the cache)."""
    con.register("keys_frame", changed.to_frame("record_key").to_arrow())
    records = query_frame(
        con,
        "staging/select_matching_records",
        as_of_date=as_of,
        all_records=False,
        changed_since=previous_date,
    )
    con.unregister("keys_frame")
    new_features = prepare_features(records)
    scored: list[pl.DataFrame] = [pl.DataFrame(schema=PAIR_SCHEMA)]
    paths = {}
    for customer_type in CUSTOMER_TYPES:
        path = model_path(model_dir, customer_type)
        new = new_features.filter(pl.col("customer_type") == customer_type)
        if path.exists():
            paths[customer_type] = path
            if new.height:
                scored.append(_score_changed(con, new, customer_type, path, settings))
    pairs = _oriented(pl.concat(scored))
    thresholds = all_thresholds(model_dir, settings)
    clusters, affected = _recluster(con, as_of, previous_date, changed, pairs, decisions, thresholds)
    return MatchResult(
        pairs=pairs,
        clusters=clusters,
        model_paths=paths,
        trained=dict.fromkeys(CUSTOMER_TYPES, False),
        features=new_features,
        records=affected,
        thresholds=thresholds,
    )


def _oriented(pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs with record_key_l < record_key_r (as a full run stores them), sorted, each once."""
    return (
        pairs.with_columns(
            pl.min_horizontal("record_key_l", "record_key_r").alias("record_key_l"),
            pl.max_horizontal("record_key_l", "record_key_r").alias("record_key_r"),
        )
        .unique(["record_key_l", "record_key_r"], keep="first", maintain_order=True)
        .sort("customer_type", "record_key_l", "record_key_r")
    )


def _score_changed(
    con: duckdb.DuckDBPyConnection,
    new: pl.DataFrame,
    customer_type: str,
    path: Path,
    settings: MatchingSettings,
) -> pl.DataFrame:
    """Pairs (above the floor) between changed records and the cached others, and among the changed."""
    con.register("new_features", new.to_arrow())
    rules = [
        {"rule": " or ".join(f"({rule.get_blocking_rule('duckdb').blocking_rule_sql})" for rule in group)}
        for group in candidate_rule_groups(load_derivation(path, customer_type))
    ]
    found = query_template_union(
        con, "matching/select_blocking_candidates", rules, customer_type=customer_type
    )
    con.unregister("new_features")
    existing = query_frame_of_keys(con, found["record_key"].sort().to_list())
    scoring = pl.concat([existing, new.select(existing.columns)]) if existing.height else new
    con.register("scoring_features", scoring.to_arrow())
    lookups = {c: _term_frequencies(con, c, customer_type) for c in _tf_columns(path)}
    con.unregister("scoring_features")
    with duckdb.connect() as private:
        db_api = DuckDBAPI(connection=private)
        new_df = db_api.register(new.to_arrow(), dataset_display_name="new_records")
        scoring_df = db_api.register(scoring.to_arrow(), dataset_display_name="scoring_records")
        model = saved_model(path, customer_type)
        linker = prediction_linker(new_df, model)
        for column, table in lookups.items():
            tf_df = db_api.register(table.to_arrow(), dataset_display_name=f"tf_lookup_{column}")
            linker.table_management.register_term_frequency_lookup(tf_df, column)
        options = {"threshold_match_probability": settings.pair_floor, "warning_mode": "never"}
        # One call for (candidates + changed) x changed: it also yields each changed pair both ways
        # (the same score: every level is symmetric, tests/unit/test_matching_symmetry.py; _oriented
        # keeps one) and each changed record with itself, dropped here.
        between = linker.inference.predict_between(scoring_df, new_df, **options)
        merge = type_thresholds(settings, load_meta(path))[0]
        pairs = predictions_to_pairs(between, customer_type, model, merge)
    return pairs.filter(pl.col("record_key_l") != pl.col("record_key_r"))


def query_frame_of_keys(con: duckdb.DuckDBPyConnection, keys: list[str]) -> pl.DataFrame:
    """The cached features of some records."""
    frame = pl.DataFrame({"record_key": keys}, schema={"record_key": pl.String})
    con.register("keys_frame", frame.to_arrow())
    try:
        return query_frame(con, "matching/select_cached_features")
    finally:
        con.unregister("keys_frame")


def _term_frequencies(con: duckdb.DuckDBPyConnection, column: str, customer_type: str) -> pl.DataFrame:
    fragments = {"column": column}
    return query_template(con, "matching/select_term_frequencies", fragments, customer_type=customer_type)


def _tf_columns(path: Path) -> list[str]:
    """The columns a saved model adjusts for term frequency."""
    model = json.loads(path.read_text(encoding="utf-8"))
    columns = {
        level["tf_adjustment_column"]
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    }
    return sorted(columns)


def _recluster(
    con: duckdb.DuckDBPyConnection,
    as_of: str,
    previous_date: object,
    changed: pl.Series,
    pairs: pl.DataFrame,
    decisions: pl.DataFrame | None,
    thresholds: dict[str, tuple[float, float]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(clusters of the affected records, their records): the components the changed records, the
    new pairs and the steward decisions touch, clustered and constrained as a full run does, each
    type at its merge threshold (`thresholds`: type -> (merge, review))."""
    scored = with_thresholds(pairs, thresholds)
    frames = {
        "changed_frame": changed.to_frame("record_key"),
        "scored_frame": scored.select(
            "record_key_l", "record_key_r", "match_probability", "match_weight", "merge_threshold"
        ),
        "decision_keys_frame": _decision_keys(decisions),
    }
    for name, frame in frames.items():
        con.register(name, frame.to_arrow())
    try:
        params = {"previous_date": previous_date}
        affected = query_frame(con, "matching/select_affected_records", **params)
        con.register("keys_frame", affected.to_arrow())
        edges = query_frame(con, "matching/select_affected_edges", **params)
        records = query_frame(con, "staging/select_constraint_records", as_of_date=as_of)
    finally:
        for name in (*frames, "keys_frame"):
            con.unregister(name)
    with duckdb.connect() as private:
        db_api = DuckDBAPI(connection=private)
        nodes = db_api.register(affected.to_arrow(), dataset_display_name="cluster_nodes")
        links = db_api.register(edges.to_arrow(), dataset_display_name="cluster_edges")
        # the edges are those at or above their own type's threshold already
        lowest = min((merge for merge, _ in thresholds.values()), default=0.0)
        clustered = cluster_pairwise_predictions_at_threshold(
            nodes, links, db_api, "record_key", threshold_match_probability=lowest
        )
        clusters = cluster_keys(clustered.as_duckdbpyrelation().select("record_key", "cluster_id").pl())
    return constrained_clusters(clusters, edges, records, decisions, thresholds), records


def _decision_keys(decisions: pl.DataFrame | None) -> pl.DataFrame:
    """Every record a steward decision names (merge, keep apart, unmerge)."""
    keys = pl.DataFrame(schema={"record_key": pl.String})
    if decisions is not None and decisions.height:
        named = pl.concat([decisions["record_key_l"], decisions["record_key_r"]]).drop_nulls().unique()
        keys = named.cast(pl.String).to_frame("record_key")
    return keys
