"""Entity resolution: prepare features, load or train each type's model, predict pairs, cluster."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from splink.clustering import cluster_pairwise_predictions_at_threshold
from splink.internals.splink_dataframe import SplinkDataFrame

from dq_project.matching.cannot_link import cannot_link, cap_expr
from dq_project.matching.constraints import apply_constraints, decision_constraints, id_labels
from dq_project.matching.features import prepare_features
from dq_project.matching.health import needs_training
from dq_project.matching.labels import save_label_report
from dq_project.matching.model import (
    CUSTOMER_TYPES,
    prediction_linker,
    saved_model,
    splink_session,
    train_full,
)
from dq_project.matching.model_meta import load_meta, save_meta
from dq_project.matching.thresholds import FALLBACK
from dq_project.settings import MatchingSettings

logger = logging.getLogger(__name__)

PAIR_SCHEMA = {
    "record_key_l": pl.String,
    "record_key_r": pl.String,
    "customer_type": pl.String,
    "match_probability": pl.Float64,
    "match_weight": pl.Float64,
    "weights": pl.String,
}
CLUSTER_SCHEMA = {"record_key": pl.String, "cluster_key": pl.String}

PredictAndCluster = Callable[..., tuple[pl.DataFrame, pl.DataFrame]]
_PREDICTOR: ContextVar[PredictAndCluster | None] = ContextVar("predictor", default=None)


@contextmanager
def predicting_with(predictor: PredictAndCluster):
    """Score and cluster with `predictor` (the signature of _predict_and_cluster) inside the block:
    how the Spark engine runs a full linkage on Splink's SparkAPI (dq_project.engine.spark.linkage).
    Training, constraints and golden-ID carry-over stay here, one implementation."""
    token = _PREDICTOR.set(predictor)
    try:
        yield
    finally:
        _PREDICTOR.reset(token)


@dataclass
class MatchResult:
    """Pairs above the floor, one cluster row per input record, and the models used."""

    pairs: pl.DataFrame  # record_key_l, record_key_r, customer_type, match_probability, match_weight, weights
    clusters: pl.DataFrame  # record_key, cluster_key, component_key (smallest record_keys)
    model_paths: dict[str, Path]  # customer type -> saved Splink model JSON
    trained: dict[str, bool]  # whether each model was (re)trained in this call
    features: pl.DataFrame | None = None  # the features computed (all records, or the changed ones)
    records: pl.DataFrame | None = None  # the records the clusters cover, when not all
    thresholds: dict[str, tuple[float, float]] | None = None  # type -> (merge, review) in force


def type_thresholds(settings: MatchingSettings, meta: dict | None) -> tuple[float, float]:
    """(merge, review) threshold of one type: the configured ones win, else those chosen when its
    model was trained (saved in its metadata), else thresholds.FALLBACK."""
    chosen = (meta or {}).get("thresholds") or {}
    merge = settings.merge_threshold or chosen.get("merge_threshold") or FALLBACK[0]
    review = settings.review_threshold or chosen.get("review_threshold") or FALLBACK[1]
    return merge, min(review, merge)


def with_thresholds(pairs: pl.DataFrame, thresholds: dict[str, tuple[float, float]]) -> pl.DataFrame:
    """`pairs` (with customer_type) plus their type's merge_threshold and review_threshold."""
    merge, review = ({t: v[i] for t, v in thresholds.items()} for i in (0, 1))
    return pairs.with_columns(
        pl.col("customer_type")
        .replace_strict(merge, default=FALLBACK[0], return_dtype=pl.Float64)
        .alias("merge_threshold"),
        pl.col("customer_type")
        .replace_strict(review, default=FALLBACK[1], return_dtype=pl.Float64)
        .alias("review_threshold"),
    )


def all_thresholds(model_dir: Path, settings: MatchingSettings) -> dict[str, tuple[float, float]]:
    """type_thresholds of every type's saved model."""
    return {t: type_thresholds(settings, load_meta(model_path(model_dir, t))) for t in CUSTOMER_TYPES}


def model_path(model_dir: Path, customer_type: str) -> Path:
    """Where the Splink model JSON of a customer type lives."""
    return Path(model_dir) / f"splink_{customer_type}.json"


def resolve_entities(
    records: pl.DataFrame,
    model_dir: Path,
    settings: MatchingSettings,
    retrain: bool = False,
    decisions: pl.DataFrame | None = None,
) -> MatchResult:
    """Link persons and companies separately and cluster each at its merge threshold (configured,
    or chosen when its model was trained: type_thresholds).

    A type's saved model (model_dir/splink_<type>.json) is reused unless `retrain` is set or it is
    missing; then it is trained and saved. A type with fewer than settings.min_training_records
    records is not trained: it uses its saved model if there is one, else stays unlinked (warned).
    Records of an unknown customer_type stay singletons. Every input record appears exactly once in
    `clusters`; `model_paths` lists the models used. Splink's clusters are then cut along
    conflicting valid IDs and steward `decisions` (matching.steward_decisions rows), see
    dq_project.matching.constraints; when a model is trained they are its labels too (see
    dq_project.matching.model.train_with_labels; the label report goes next to the model JSON).
    """
    keys = records["record_key"]
    if keys.null_count() or keys.n_unique() != records.height:
        raise ValueError("record_key must be non-null and unique")
    features = prepare_features(records)
    Path(model_dir).mkdir(parents=True, exist_ok=True)
    pairs, clusters, paths, trained, thresholds = [], [], {}, {}, {}
    for customer_type in CUSTOMER_TYPES:
        frame = features.filter(pl.col("customer_type") == customer_type)
        path = model_path(model_dir, customer_type)
        model, meta, trained[customer_type] = _model_for(
            frame, customer_type, path, settings, retrain, decisions
        )
        thresholds[customer_type] = type_thresholds(settings, meta)
        if model is None or frame.height < 2:
            pairs.append(pl.DataFrame(schema=PAIR_SCHEMA))
            clusters.append(singletons(frame))
            continue
        save_to = path if trained[customer_type] else None
        merge = thresholds[customer_type][0]
        type_pairs, type_clusters = _predict_and_cluster(
            frame, customer_type, model, save_to, settings, merge
        )
        if save_to is not None:
            save_meta(path, meta)
        pairs.append(type_pairs)
        clusters.append(type_clusters)
        paths[customer_type] = path
    unknown = features.filter(pl.col("customer_type").is_in(CUSTOMER_TYPES).not_().fill_null(True))
    clusters.append(singletons(unknown))
    all_pairs = pl.concat(pairs).sort("customer_type", "record_key_l", "record_key_r")
    return MatchResult(
        pairs=all_pairs,
        clusters=constrained_clusters(pl.concat(clusters), all_pairs, records, decisions, thresholds),
        model_paths=paths,
        trained=trained,
        features=features,
        thresholds=thresholds,
    )


def constrained_clusters(
    clusters: pl.DataFrame,
    pairs: pl.DataFrame,
    records: pl.DataFrame,
    decisions: pl.DataFrame | None,
    thresholds: dict[str, tuple[float, float]],
) -> pl.DataFrame:
    """Splink's clusters (connected components) cut along conflicting valid IDs and joined / cut by
    steward decisions: record_key, cluster_key, component_key (Splink's cluster_key). A pair is an
    edge at its type's merge threshold (`thresholds`: type -> (merge, review))."""
    labels = id_labels(records)
    forced = pl.DataFrame(schema={"record_key_l": pl.String, "record_key_r": pl.String})
    if decisions is not None and decisions.height:
        steward_labels, forced = decision_constraints(decisions)
        labels = pl.concat([labels, steward_labels])
    edges = pairs  # without customer_type: edges at their thresholds already (incremental runs)
    if "customer_type" in pairs.columns:
        edges = with_thresholds(pairs, thresholds).filter(
            pl.col("match_probability") >= pl.col("merge_threshold")
        )
        edges = edges.drop("merge_threshold", "review_threshold")
    final = apply_constraints(clusters, edges, labels, forced)  # the rows in the order of `clusters`
    return final.with_columns(component_key=clusters["cluster_key"]).sort("record_key")


def _model_for(
    frame: pl.DataFrame,
    customer_type: str,
    path: Path,
    settings: MatchingSettings,
    retrain: bool,
    decisions: pl.DataFrame | None = None,
) -> tuple[dict | None, dict | None, bool]:
    """(the model trained now, or the saved one (saved_model), or None; its metadata; whether it
    was trained now)."""
    enough = frame.height >= settings.min_training_records
    if enough and (retrain or needs_training(path.parent, customer_type, frame.height, settings)):
        trained = train_full(frame, customer_type, settings, decisions)
        save_label_report(trained.report, path)
        return trained.model, trained.meta, True
    if path.exists():
        if retrain:
            logger.warning("%s: %d records, too few to retrain; using %s", customer_type, frame.height, path)
        return saved_model(path, customer_type), load_meta(path), False
    if frame.height:
        logger.warning("%s: %d records and no saved model: left unlinked", customer_type, frame.height)
    return None, None, False


def _predict_and_cluster(
    frame: pl.DataFrame,
    customer_type: str,
    model: dict,
    save_to: Path | None,
    settings: MatchingSettings,
    merge_threshold: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Score the blocked pairs (kept from pair_floor up) and cluster at `merge_threshold`; a
    freshly trained model is saved to `save_to` first."""
    if (predictor := _PREDICTOR.get()) is not None:
        return predictor(frame, customer_type, model, save_to, settings, merge_threshold)
    with splink_session(frame) as records:
        linker = prediction_linker(records, model)
        if save_to is not None:
            linker.misc.save_model_to_json(str(save_to), overwrite=True)
        predictions = linker.inference.predict(
            threshold_match_probability=settings.pair_floor, warning_mode="never"
        )
        pairs = predictions_to_pairs(predictions, customer_type, model, merge_threshold)
        # Splink's graph clustering on the record keys alone (the linker's method also joins every
        # input column back onto its output: 2.6 s of 8.7 s at 1M records), over the pairs with
        # the cannot-link evidence applied.
        edges = records.db_api.register(
            pairs.select("record_key_l", "record_key_r", "match_probability").to_arrow(),
            dataset_display_name="scored_edges",
        )
        clustered = cluster_pairwise_predictions_at_threshold(
            records,
            edges,
            records.db_api,
            node_id_column_name="record_key",
            threshold_match_probability=merge_threshold,
        )
        clusters = clustered.as_duckdbpyrelation().select("record_key", "cluster_id").pl()
    return pairs, cluster_keys(clusters)


def predictions_to_pairs(
    predictions: SplinkDataFrame, customer_type: str, model: dict, merge_threshold: float
) -> pl.DataFrame:
    """Splink's predictions -> PAIR_SCHEMA, with the model's cannot-link evidence applied (a pair
    that matches a pattern of dq_project.matching.cannot_link is capped below `merge_threshold`);
    weights = JSON of per-comparison match weights (the comparison's mw_ column plus its
    term-frequency adjustment, if any), plus "cannot_link:<pattern>": the weight the cap took off."""
    relation = predictions.as_duckdbpyrelation()
    return pairs_from_predictions(
        relation.select(*pair_columns(relation.columns)).pl(), customer_type, model, merge_threshold
    )


def pair_columns(columns: list[str]) -> list[str]:
    """The prediction columns pairs_from_predictions reads. Splink keeps every comparison's input
    values, gammas and Bayes factors too (retain_intermediate_calculation_columns, for the mw_
    columns); reading those into Polars cost most of the linkage step's peak memory."""
    keep = ("record_key_l", "record_key_r", "match_probability", "match_weight")
    return [c for c in columns if c in keep or c.startswith("mw_")]


def pairs_from_predictions(
    frame: pl.DataFrame, customer_type: str, model: dict, merge_threshold: float
) -> pl.DataFrame:
    """predictions_to_pairs of Splink's predictions already read into Polars (from either engine)."""
    if frame.is_empty():
        return pl.DataFrame(schema=PAIR_SCHEMA)
    names = [c[3:] for c in frame.columns if c.startswith("mw_") and not c.startswith("mw_tf_adj_")]
    weights = [(pl.col(f"mw_{n}") + _tf_adjustment(frame, n)).round(4).alias(n) for n in names]
    frame = frame.with_columns(cannot_link(frame, model, customer_type).alias("cannot_link"))
    capped = frame.with_columns(cap_expr(merge_threshold))
    # A capped pair's weights name the pattern, with the weight it took off (the steward sees it).
    taken = (capped["match_weight"] - frame["match_weight"]).round(4)
    note = pl.concat_str(
        pl.lit(',"cannot_link:'), pl.col("cannot_link"), pl.lit('":'), taken.cast(pl.String), pl.lit("}")
    )
    weights_json = pl.struct(weights).struct.json_encode()
    return capped.select(
        pl.col("record_key_l", "record_key_r").cast(pl.String),
        pl.lit(customer_type).alias("customer_type"),
        pl.col("match_probability").cast(pl.Float64),
        pl.col("match_weight").cast(pl.Float64),
        pl.when(pl.col("cannot_link").is_not_null())
        .then(weights_json.str.strip_suffix("}") + note)
        .otherwise(weights_json)
        .alias("weights"),
    )


def _tf_adjustment(frame: pl.DataFrame, name: str) -> pl.Expr:
    column = f"mw_tf_adj_{name}"
    return pl.col(column).fill_null(0.0) if column in frame.columns else pl.lit(0.0)


def cluster_keys(clusters: pl.DataFrame) -> pl.DataFrame:
    """Splink cluster ids -> cluster_key = the smallest record_key in each cluster."""
    return clusters.select(
        pl.col("record_key").cast(pl.String),
        pl.col("record_key").min().over("cluster_id").cast(pl.String).alias("cluster_key"),
    )


def singletons(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col("record_key"), pl.col("record_key").alias("cluster_key")).cast(CLUSTER_SCHEMA)
