"""Thresholds chosen from the model's scores (dq_project.matching.thresholds), configured ones win."""

from __future__ import annotations

import polars as pl

from dq_project.matching.resolve import type_thresholds
from dq_project.matching.thresholds import choose_thresholds
from dq_project.settings import MatchingSettings


def _scores() -> pl.Series:
    # 900 clear matches, 50 uncertain pairs around 0.7, 5,000 clear non-matches
    return pl.Series([0.999] * 900 + [0.7] * 50 + [0.6] * 100 + [0.01] * 5_000)


def test_the_merge_threshold_follows_the_score_distribution() -> None:
    chosen = choose_thresholds(_scores(), None, MatchingSettings())
    # merging the 0.7 band would add 15 expected false merges for 35 true ones: F0.5 prefers not to
    assert 0.7 < chosen["merge_threshold"] <= 0.999
    assert "expected F" in chosen["reason"] and "6,050 scored training pairs" in chosen["reason"]
    # the review band starts where a steward still finds a match in one of four pairs
    assert chosen["review_threshold"] <= 0.6
    confident = choose_thresholds(
        pl.Series([0.999] * 900 + [0.96] * 100 + [0.01] * 5_000), None, MatchingSettings()
    )
    assert confident["merge_threshold"] <= 0.96  # 96% of those are matches: merge them


def test_configured_thresholds_win_and_labels_decide_before_the_scores() -> None:
    fixed = choose_thresholds(_scores(), None, MatchingSettings(merge_threshold=0.9, review_threshold=0.4))
    assert (fixed["merge_threshold"], fixed["review_threshold"]) == (0.9, 0.4)
    assert fixed["reason"].startswith("configured")
    labels = pl.DataFrame(
        {
            "match_probability": [0.62] * 30 + [0.55] * 5,
            "clerical_match_score": [1.0] * 30 + [0.0] * 5,
        }
    )
    labelled = choose_thresholds(_scores(), labels, MatchingSettings())
    assert labelled["merge_threshold"] == 0.62 and "steward-labelled" in labelled["reason"]
    # a saved model's choice applies unless the config sets a value
    meta = {"thresholds": {"merge_threshold": 0.83, "review_threshold": 0.5}}
    assert type_thresholds(MatchingSettings(), meta) == (0.83, 0.5)
    assert type_thresholds(MatchingSettings(merge_threshold=0.97), meta) == (0.97, 0.5)
    assert type_thresholds(MatchingSettings(), None) == (0.95, 0.6)
