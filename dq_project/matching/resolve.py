"""Entity resolution: prepare features, load or train each type's model, predict pairs, cluster."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from splink import Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from dq_project.matching.features import prepare_features
from dq_project.matching.model import CUSTOMER_TYPES, MatchSettings, splink_session, train_on_features

logger = logging.getLogger(__name__)

PAIR_SCHEMA = {
    "record_key_l": pl.String, "record_key_r": pl.String, "customer_type": pl.String,
    "match_probability": pl.Float64, "match_weight": pl.Float64, "weights": pl.String,
}
CLUSTER_SCHEMA = {"record_key": pl.String, "cluster_key": pl.String}


@dataclass
class MatchResult:
    """Pairs above the floor, one cluster row per input record, and the models used."""

    pairs: pl.DataFrame  # record_key_l, record_key_r, customer_type, match_probability, match_weight, weights
    clusters: pl.DataFrame  # record_key, cluster_key (smallest record_key of the cluster)
    model_paths: dict[str, Path]  # customer type -> saved Splink model JSON
    trained: dict[str, bool]  # whether each model was (re)trained in this call


def model_path(model_dir: Path, customer_type: str) -> Path:
    """Where the Splink model JSON of a customer type lives."""
    return Path(model_dir) / f"splink_{customer_type}.json"


def resolve_entities(
    records: pl.DataFrame, model_dir: Path, settings: MatchSettings, retrain: bool = False
) -> MatchResult:
    """Link persons and companies separately and cluster them at settings.merge_threshold.

    A type's saved model is reused unless `retrain` is set or it is missing (then it is trained
    and saved). Records of an unknown customer_type, and types with too few records to train on,
    stay singletons. Every input record appears exactly once in `clusters`.
    """
    features = prepare_features(records)
    Path(model_dir).mkdir(parents=True, exist_ok=True)
    pairs, clusters, paths, trained = [], [], {}, {}
    for customer_type in CUSTOMER_TYPES:
        frame = features.filter(pl.col("customer_type") == customer_type)
        path = model_path(model_dir, customer_type)
        type_pairs, type_clusters, trained[customer_type] = _resolve_type(
            frame, customer_type, path, settings, retrain
        )
        pairs.append(type_pairs)
        clusters.append(type_clusters)
        if path.exists():
            paths[customer_type] = path
    others = features.filter(pl.col("customer_type").is_in(CUSTOMER_TYPES).not_() |
                             pl.col("customer_type").is_null())
    clusters.append(_singletons(others))
    return MatchResult(
        pairs=pl.concat(pairs).sort("customer_type", "record_key_l", "record_key_r"),
        clusters=pl.concat(clusters).sort("record_key"),
        model_paths=paths,
        trained=trained,
    )


def _resolve_type(
    frame: pl.DataFrame, customer_type: str, path: Path, settings: MatchSettings, retrain: bool
) -> tuple[pl.DataFrame, pl.DataFrame, bool]:
    must_train = retrain or not path.exists()
    if must_train and frame.height < settings.min_training_records:
        logger.warning("%s: %d records, too few to train a model; left unlinked", customer_type, frame.height)
        return pl.DataFrame(schema=PAIR_SCHEMA), _singletons(frame), False
    if frame.height < 2:
        return pl.DataFrame(schema=PAIR_SCHEMA), _singletons(frame), False
    model = train_on_features(frame, customer_type, settings) if must_train else str(path)
    with splink_session(frame) as records:
        linker = Linker(records, model, log_level=None)
        if must_train:
            linker.misc.save_model_to_json(str(path), overwrite=True)
        predictions = linker.inference.predict(
            threshold_match_probability=settings.pair_floor, warning_mode="never"
        )
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=settings.merge_threshold
        )
        pairs = _pairs_frame(predictions, customer_type)
        clusters = clustered.as_duckdbpyrelation().select("record_key", "cluster_id").pl()
    return pairs, _cluster_keys(clusters), must_train


def _pairs_frame(predictions: SplinkDataFrame, customer_type: str) -> pl.DataFrame:
    """Splink's predictions -> PAIR_SCHEMA; weights = JSON of per-comparison match weights
    (the comparison's mw_ column plus its term-frequency adjustment, if any)."""
    frame = predictions.as_duckdbpyrelation().pl()
    columns = set(frame.columns)
    names = [c[3:] for c in frame.columns if c.startswith("mw_") and not c.startswith("mw_tf_adj_")]
    weights = [
        (pl.col(f"mw_{n}") + (pl.col(f"mw_tf_adj_{n}").fill_null(0.0) if f"mw_tf_adj_{n}" in columns else 0.0))
        .round(4).alias(n)
        for n in names
    ]
    if frame.is_empty():
        return pl.DataFrame(schema=PAIR_SCHEMA)
    return frame.select(
        pl.col("record_key_l", "record_key_r").cast(pl.String),
        pl.lit(customer_type).alias("customer_type"),
        pl.col("match_probability").cast(pl.Float64),
        pl.col("match_weight").cast(pl.Float64),
        pl.struct(weights).struct.json_encode().alias("weights"),
    )


def _cluster_keys(clusters: pl.DataFrame) -> pl.DataFrame:
    """Splink cluster ids -> cluster_key = the smallest record_key in each cluster."""
    return clusters.select(
        pl.col("record_key").cast(pl.String),
        pl.col("record_key").min().over("cluster_id").cast(pl.String).alias("cluster_key"),
    )


def _singletons(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col("record_key"), pl.col("record_key").alias("cluster_key")).cast(CLUSTER_SCHEMA)
