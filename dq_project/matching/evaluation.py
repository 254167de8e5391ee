"""Scoring against ground truth (the generator's truth files): pairwise linkage quality.

Used by the end-to-end tests and the benchmarks; counts pairs through group sizes, never by
enumerating them, so it scales to millions of records.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class PairwiseScore:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(frame: pl.DataFrame, by: list[str]) -> int:
    sizes = frame.group_by(by).len()["len"]
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_score(predicted: pl.DataFrame, truth: pl.DataFrame) -> PairwiseScore:
    """Score predicted clusters (record_key, cluster_key) against truth (record_key, entity_id).

    Only records present in both frames count.
    """
    joined = predicted.select("record_key", "cluster_key").join(
        truth.select("record_key", "entity_id"), on="record_key", how="inner"
    )
    return PairwiseScore(
        true_pairs=_pairs(joined, ["entity_id"]),
        predicted_pairs=_pairs(joined, ["cluster_key"]),
        correct_pairs=_pairs(joined, ["entity_id", "cluster_key"]),
    )
