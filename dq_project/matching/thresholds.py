"""Merge and review thresholds chosen from a trained model's own scores (and steward labels),
unless the config fixes them.

The model's match probabilities are its own estimate of how likely each blocked pair is a match,
so over the scored pairs a merge threshold t expects TP = sum(p >= t) p, FP = sum(p >= t) (1 - p)
and FN = sum(p < t) p. The merge threshold is the t on a grid (0.50 ... 0.99, 0.995, 0.999) with the
highest expected F0.5 (precision weighs double: a false merge chains entities together
through clustering; the higher t on ties). With enough steward labels (min_label_pairs merge
labels and at least one keep-apart), their own F1 decides instead. The review threshold is the
lowest t whose band [t, merge) still expects one match in REVIEW_YIELD pairs reviewed, not below
pair_floor. The choice and its reason are saved with the model and shown by `dq model show` and
the audit report.
"""

from __future__ import annotations

import polars as pl

GRID = (*(round(0.5 + i / 100, 2) for i in range(50)), 0.995, 0.999)
REVIEW_YIELD = 0.25  # a steward should find a match in at least one of four reviewed pairs
FALLBACK = (0.95, 0.6)


BETA = 0.5  # precision counts more: a false merge chains whole entities together through clustering


def _expected_f1(scores: pl.Series, t: float, beta: float = BETA) -> float:
    above = scores.filter(scores >= t)
    tp = float(above.sum())
    fp = float(above.len() - tp)
    fn = float(scores.filter(scores < t).sum())
    b2 = beta * beta
    return (1 + b2) * tp / ((1 + b2) * tp + fp + b2 * fn) if tp else 0.0


def _label_f1(scored: pl.DataFrame, t: float) -> float:
    merged = scored["match_probability"] >= t
    match = scored["clerical_match_score"] == 1
    tp, fp, fn = int((merged & match).sum()), int((merged & ~match).sum()), int((~merged & match).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose_thresholds(scores: pl.Series, scored_labels: pl.DataFrame | None, settings: object) -> dict:
    """{"merge_threshold", "review_threshold", "reason", "expected_f1"} for a model whose blocked
    pairs scored `scores`; `settings` (MatchingSettings) may fix either threshold (then it wins)."""
    configured_merge = getattr(settings, "merge_threshold", None)
    configured_review = getattr(settings, "review_threshold", None)
    floor = getattr(settings, "pair_floor", 0.3)
    min_labels = getattr(settings, "min_label_pairs", 20)
    scores = scores.drop_nulls().cast(pl.Float64)
    labels_usable = (
        scored_labels is not None
        and int((scored_labels["clerical_match_score"] == 1).sum()) >= min_labels
        and int((scored_labels["clerical_match_score"] == 0).sum()) >= 1
    )
    if configured_merge is not None:
        merge, reason = configured_merge, "configured ([matching] merge_threshold)"
    elif labels_usable:
        merge = max(GRID, key=lambda t: (_label_f1(scored_labels, t), t))
        reason = f"best F1 on {scored_labels.height} steward-labelled pairs"
    elif scores.len():
        merge = max(GRID, key=lambda t: (round(_expected_f1(scores, t), 4), t))
        reason = f"best expected F0.5 over the model's {scores.len():,} scored training pairs"
    else:
        merge, reason = FALLBACK[0], "no scored pairs: default"
    if configured_review is not None:
        review = min(configured_review, merge)
        reason += "; review configured"
    else:
        review = merge
        for t in sorted((t for t in GRID if t < merge), reverse=True):
            band = scores.filter((scores >= t) & (scores < merge))
            if band.len() and float(band.mean()) < REVIEW_YIELD:
                break
            review = t
        review = max(review, floor) if scores.len() else FALLBACK[1]
    return {
        "merge_threshold": merge,
        "review_threshold": min(review, merge),
        "reason": reason,
        "expected_f1": round(_expected_f1(scores, merge), 4) if scores.len() else None,
    }
