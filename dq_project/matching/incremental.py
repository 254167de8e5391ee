"""Incremental linkage: link new and changed records against the existing ones with the saved model.

A full run scores every blocked pair of the current records. When the previous as_of_date was
linked with the same models and code (same fingerprint), the pairs among records unchanged since
then are still valid; only pairs touching a new or changed record need scoring. Those come from
Splink 5's `predict_between` (existing x new) and `predict_within` (new x new), with term
frequencies computed over all current records, as a full run computes them. The kept and new pairs
are then clustered and constrained exactly as in a full run, so the output has the same shape.
Known difference: kept pairs keep the term-frequency adjustment of the day they were scored.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker
from splink.clustering import cluster_pairwise_predictions_at_threshold

from dq_project.matching import features as features_module
from dq_project.matching import model as model_module
from dq_project.matching import names as names_module
from dq_project.matching import places as places_module
from dq_project.matching import text as text_module
from dq_project.matching.features import prepare_features
from dq_project.matching.model import CUSTOMER_TYPES, MatchSettings
from dq_project.matching.resolve import (
    PAIR_SCHEMA,
    MatchResult,
    cluster_keys,
    constrained_clusters,
    model_path,
    predictions_to_pairs,
    singletons,
)


def fingerprint(model_dir: Path, settings: MatchSettings) -> str:
    """A digest of what makes stored pairs reusable: each type's saved model JSON (or its absence),
    the pair floor, and the source of the feature and model code."""
    digest = hashlib.sha256(f"pair_floor={settings.pair_floor}".encode())
    for customer_type in CUSTOMER_TYPES:
        path = model_path(model_dir, customer_type)
        digest.update(customer_type.encode() + (path.read_bytes() if path.exists() else b"<none>"))
    for module in (features_module, names_module, places_module, text_module, model_module):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def would_train(records: pl.DataFrame, model_dir: Path, settings: MatchSettings) -> bool:
    """Whether a run without --retrain would train a model (a type without a saved model and with
    enough records): then the run is a full one."""
    counts = dict(records.group_by("customer_type").len().iter_rows())
    return any(
        not model_path(model_dir, t).exists() and counts.get(t, 0) >= settings.min_training_records
        for t in CUSTOMER_TYPES
    )


def kept_pairs(previous: pl.DataFrame, changed: pl.Series, current: pl.Series) -> pl.DataFrame:
    """The previous run's pairs that stay valid: both records still current and neither changed."""
    stale = changed.implode()
    live = current.implode()
    return previous.filter(
        pl.col("record_key_l").is_in(live)
        & pl.col("record_key_r").is_in(live)
        & ~pl.col("record_key_l").is_in(stale)
        & ~pl.col("record_key_r").is_in(stale)
    ).select(list(PAIR_SCHEMA))


def union_pairs(kept: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    """Kept and newly scored pairs as one PAIR_SCHEMA frame, each pair once with l < r (a newly
    scored pair wins over a kept one), sorted as a full run sorts them."""
    oriented = scored.with_columns(
        pl.min_horizontal("record_key_l", "record_key_r").alias("record_key_l"),
        pl.max_horizontal("record_key_l", "record_key_r").alias("record_key_r"),
    )
    both = pl.concat([oriented.select(list(PAIR_SCHEMA)), kept.select(list(PAIR_SCHEMA))])
    unique = both.unique(["customer_type", "record_key_l", "record_key_r"], keep="first", maintain_order=True)
    return unique.sort("customer_type", "record_key_l", "record_key_r")


def resolve_increment(
    records: pl.DataFrame,
    model_dir: Path,
    settings: MatchSettings,
    changed: pl.Series,
    previous_pairs: pl.DataFrame,
    decisions: pl.DataFrame | None = None,
) -> MatchResult:
    """Like resolve_entities with the saved models, scoring only pairs that touch `changed` records
    (new or changed since the run that produced `previous_pairs`, in PAIR_SCHEMA)."""
    features = prepare_features(records)
    kept = kept_pairs(previous_pairs, changed, records["record_key"])
    scored, clusters, paths = [pl.DataFrame(schema=PAIR_SCHEMA)], [], {}
    for customer_type in CUSTOMER_TYPES:
        frame = features.filter(pl.col("customer_type") == customer_type)
        path = model_path(model_dir, customer_type)
        if not path.exists() or frame.height < 2:
            clusters.append(singletons(frame))
            continue
        paths[customer_type] = path
        with duckdb.connect() as con:
            db_api = DuckDBAPI(connection=con)
            scored.append(_score_changed(db_api, frame, changed, customer_type, path, settings))
            type_pairs = union_pairs(kept.filter(pl.col("customer_type") == customer_type), scored[-1])
            clusters.append(_connected(db_api, frame, type_pairs, settings.merge_threshold))
    unknown = features.filter(pl.col("customer_type").is_in(CUSTOMER_TYPES).not_().fill_null(True))
    clusters.append(singletons(unknown))
    all_pairs = union_pairs(kept, pl.concat(scored))
    return MatchResult(
        pairs=all_pairs,
        clusters=constrained_clusters(pl.concat(clusters), all_pairs, records, decisions, settings),
        model_paths=paths,
        trained=dict.fromkeys(CUSTOMER_TYPES, False),
    )


def _score_changed(
    db_api: DuckDBAPI,
    frame: pl.DataFrame,
    changed: pl.Series,
    customer_type: str,
    path: Path,
    settings: MatchSettings,
) -> pl.DataFrame:
    """Pairs (above the floor) between changed records and all others, and among changed records."""
    is_new = pl.col("record_key").is_in(changed.implode())
    new = frame.filter(is_new)
    if new.is_empty():
        return pl.DataFrame(schema=PAIR_SCHEMA)
    everyone = db_api.register(frame.to_arrow(), dataset_display_name="records")
    linker = Linker(everyone, str(path), log_level=None)
    for column in _tf_columns(path):
        linker.table_management.compute_tf_table(column)
    new_df = db_api.register(new.to_arrow(), dataset_display_name="new_records")
    existing_df = db_api.register(frame.filter(~is_new).to_arrow(), dataset_display_name="existing_records")
    options = {"threshold_match_probability": settings.pair_floor, "warning_mode": "never"}
    between = linker.inference.predict_between(existing_df, new_df, **options)
    within = linker.inference.predict_within(new_df, **options)
    return pl.concat([predictions_to_pairs(p, customer_type) for p in (between, within)])


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


def _connected(db_api: DuckDBAPI, frame: pl.DataFrame, pairs: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Splink's connected components of the pairs at/above `threshold` (as a full run clusters)."""
    nodes = db_api.register(frame.select("record_key").to_arrow(), dataset_display_name="cluster_nodes")
    edges = db_api.register(
        pairs.select("record_key_l", "record_key_r", "match_probability").to_arrow(),
        dataset_display_name="cluster_edges",
    )
    clustered = cluster_pairwise_predictions_at_threshold(
        nodes, edges, db_api, "record_key", threshold_match_probability=threshold
    )
    return cluster_keys(clustered.as_duckdbpyrelation().select("record_key", "cluster_id").pl())
