"""Steward decisions as training labels: merge = a labelled match, keep_apart = a labelled non-match.

Merge labels refine EM's m values (`refine_m_with_labels`); both kinds check the trained model
(`check_labels`). The numbers go to a LabelReport, saved next to the model JSON (Splink rejects
unknown keys in its settings) and shown by `dq model train`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl
from splink import Linker
from splink.internals.accuracy import predictions_from_sample_of_pairwise_labels_sql
from splink.internals.pipeline import CTEPipeline
from splink.internals.splink_dataframe import SplinkDataFrame
from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

from dq_project.matching.constraints import latest_pair_decisions

LABELS_TABLE = "dq_pair_labels"
MERGES_TABLE = "dq_merge_labels"


@dataclass
class LabelReport:
    """Steward labels of one customer type at training time and what the trained model makes of them."""

    merge_pairs: int = 0  # labelled matches (latest decision of the pair: merge)
    keep_apart_pairs: int = 0  # labelled non-matches
    used_for_m: bool = False  # merge labels refined m (at least settings.min_label_pairs of them)
    keep_apart_merged: int | None = None  # labelled non-matches the model scores in the merge band
    merges_missed: int | None = None  # labelled matches the model scores below the merge band

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        used = "used for m" if self.used_for_m else "not used for m"
        text = f"{self.merge_pairs} merge label(s) ({used}), {self.keep_apart_pairs} keep-apart label(s)"
        if self.keep_apart_merged is not None:
            text += (
                f"; the model would merge {self.keep_apart_merged} keep-apart pair(s) "
                f"and miss {self.merges_missed} merge pair(s)"
            )
        return text


def pair_labels(decisions: pl.DataFrame | None, features: pl.DataFrame) -> pl.DataFrame:
    """record_key_l, record_key_r, clerical_match_score (1 merge, 0 keep_apart): the latest pair
    decision of every pair whose two records are both in `features` (one customer type)."""
    schema = {"record_key_l": pl.String, "record_key_r": pl.String, "clerical_match_score": pl.Float64}
    if decisions is None or decisions.is_empty():
        return pl.DataFrame(schema=schema)
    keys = features["record_key"].cast(pl.String)
    latest = latest_pair_decisions(decisions).filter(pl.col("a").is_in(keys) & pl.col("b").is_in(keys))
    return latest.select(
        pl.col("a").alias("record_key_l"),
        pl.col("b").alias("record_key_r"),
        (pl.col("action") == "merge").cast(pl.Float64).alias("clerical_match_score"),
    ).cast(schema)


def report_for(labels: pl.DataFrame) -> LabelReport:
    merges = int(labels["clerical_match_score"].sum())
    return LabelReport(merge_pairs=merges, keep_apart_pairs=labels.height - merges)


def label_linker(records: SplinkDataFrame, model: dict) -> Linker:
    """A linker for `model` that can score labelled pairs (Splink's labels SQL reads the matching
    columns to tell which pairs the blocking rules find)."""
    return Linker(records, {**model, "retain_matching_columns": True}, log_level=None)


def refine_m_with_labels(linker: Linker, model: dict, labels: pl.DataFrame, prior_pairs: float) -> dict:
    """Blend EM's m values with those Splink estimates from the merge labels.

    Per comparison, EM's m distribution counts as `prior_pairs` labelled pairs and the labels as
    the n labelled pairs where the comparison is not null (a Dirichlet posterior mean):
    m = (prior_pairs * m_em + n * m_labels) / (prior_pairs + n), m_labels = 0 for a level no label
    shows. Labels are what stewards looked at (mostly hard cases), not a random sample of matches,
    so they refine EM's estimate rather than replace it. `linker` is label_linker(records, model)
    (every level of `model` with m and u, see complete_parameters); returns a new model dict.
    """
    merges = labels.filter(pl.col("clerical_match_score") == 1).select("record_key_l", "record_key_r")
    linker.table_management.register_table(merges.to_arrow(), MERGES_TABLE, overwrite=True)
    scored = score_labelled_pairs(linker, merges.with_columns(clerical_match_score=pl.lit(1.0)))
    linker.training.estimate_m_from_pairwise_labels(MERGES_TABLE)
    from_labels = linker.misc.save_model_to_json()
    refined = json.loads(json.dumps(model))
    for comparison, labelled in zip(refined["comparisons"], from_labels["comparisons"], strict=True):
        gammas = scored[f"gamma_{comparison['output_column_name']}"]
        observed = gammas.filter(gammas >= 0)
        if observed.is_empty():
            continue
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        estimated = [lv for lv in labelled["comparison_levels"] if not lv.get("is_null_level")]
        counts = observed.value_counts()
        seen = set(counts[gammas.name].to_list())
        n = observed.len()
        # Splink numbers the non-null levels from len - 1 (the first) down to 0 ("all other").
        for index, (level, level_labels) in enumerate(zip(levels, estimated, strict=True)):
            m_labels = level_labels["m_probability"] if len(levels) - 1 - index in seen else 0.0
            level["m_probability"] = (prior_pairs * level["m_probability"] + n * m_labels) / (prior_pairs + n)
    return refined


def check_labels(linker: Linker, labels: pl.DataFrame, merge_threshold: float) -> tuple[int, int]:
    """(labelled non-matches scored at/above merge_threshold, labelled matches scored below it);
    `linker` from label_linker."""
    scored = score_labelled_pairs(linker, labels)
    merged = scored["match_probability"] >= merge_threshold
    is_match = scored["clerical_match_score"] == 1
    return int((merged & ~is_match).sum()), int((~merged & is_match).sum())


def score_labelled_pairs(linker: Linker, labels: pl.DataFrame) -> pl.DataFrame:
    """Splink's comparison vectors and match probabilities of the labelled pairs, blocked or not
    (the first steps of linker.evaluation.prediction_errors_from_labels_table, without its filter)."""
    linker.table_management.register_table(labels.to_arrow(), LABELS_TABLE, overwrite=True)
    pipeline = CTEPipeline()
    enqueue_df_concat_with_tf(linker, pipeline)
    pipeline.enqueue_list_of_sqls(predictions_from_sample_of_pairwise_labels_sql(linker, LABELS_TABLE))
    return linker._db_api.sql_pipeline_to_splink_dataframe(pipeline).as_duckdbpyrelation().pl()


def label_report_path(model_path: Path) -> Path:
    """models/splink_person.json -> models/splink_person.labels.json"""
    return Path(model_path).with_suffix(".labels.json")


def save_label_report(report: LabelReport, model_path: Path) -> Path:
    """Write the report next to the model JSON; returns its path."""
    path = label_report_path(model_path)
    path.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    return path
