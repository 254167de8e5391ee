"""Cannot-link evidence: comparison levels that, by what they mean, tell two records apart however
much else they share (twins, names that agree on nothing, another legal form, a branch, another
brand), unless an identical strong identifier says they are one customer after all.

EM cannot learn these: such pairs are rare among random pairs and among the blocks it trains on,
and a shared mobile, address and birth date would outweigh a mildly negative level. So they are
part of the model as a rule over its comparison levels: a scored pair that reaches such a level,
without an identical resident ID, identifier or credit code, is capped below its type's merge
threshold (it goes to the steward review queue instead of merging) and its weights name the
pattern. A pattern applies wherever the model has its comparison (derive.py keeps the list).
Different valid IDs and credit codes are cut apart as before (constraints.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from dq_project.matching.comparisons import BRANCH_DIFFERS, FORM_DIFFERS, ONE_TRADE_CHAR

TWIN_NAMES = "Same surname, one given-name character differs"


@dataclass(frozen=True)
class CannotLink:
    """Records at `level` of `comparison` are different customers, unless any `unless` level."""

    name: str
    comparison: str
    level: str
    unless: tuple[tuple[str, str], ...]


_SAME_PERSON_ID = (("id_number", "Exact match on id_number"), ("identifier", "Exact match on identifier"))
_SAME_COMPANY_ID = (
    ("credit_code", "Exact match on credit_code"),
    ("identifier", "Exact match on identifier"),
)
PATTERNS: dict[str, tuple[CannotLink, ...]] = {
    "person": (
        CannotLink("twins", "name", TWIN_NAMES, _SAME_PERSON_ID),
        # names that agree on nothing (not even in pinyin or a part): a relative, not a duplicate
        CannotLink("other_name", "name", "All other comparisons", _SAME_PERSON_ID),
    ),
    "company": (
        CannotLink("legal_form", "company_form", FORM_DIFFERS, _SAME_COMPANY_ID),
        CannotLink("branch", "company_form", BRANCH_DIFFERS, _SAME_COMPANY_ID),
        CannotLink("brand_character", "company_name", ONE_TRADE_CHAR, _SAME_COMPANY_ID),
    ),
}


def patterns_for(customer_type: str, comparisons: list[str]) -> list[str]:
    """The names of the patterns a model with these comparisons applies."""
    return [p.name for p in PATTERNS.get(customer_type, ()) if p.comparison in comparisons]


def _level_weight(model: dict, comparison: str, label: str) -> float | None:
    """The match weight (log2 m/u) of `label` of `comparison` in `model`, when that weight tells the
    level apart from the comparison's others (else None). Splink 5's predictions carry the weight
    of the level each pair reached (mw_<comparison>), not the level's index, unless every input
    column is kept too (too costly at 1M records): the weight names the level."""
    for found in model["comparisons"]:
        if found["output_column_name"] != comparison:
            continue
        levels = [lv for lv in found["comparison_levels"] if not lv.get("is_null_level")]
        weights = {
            lv.get("label_for_charts"): math.log2(lv["m_probability"] / lv["u_probability"])
            for lv in levels
            if lv.get("m_probability") and lv.get("u_probability")
        }
        if label not in weights:
            return None
        target = weights[label]
        if sum(abs(w - target) <= _TOLERANCE for w in weights.values()) == 1:
            return target
    return None


_TOLERANCE = 1e-9


def cannot_link(frame: pl.DataFrame, model: dict, customer_type: str) -> pl.Expr:
    """Per scored pair of `frame` (Splink predictions with mw_ columns): the name of the first
    pattern it matches, or null."""
    matched = pl.lit(None, pl.String)
    for pattern in reversed(PATTERNS.get(customer_type, ())):
        weight = _level_weight(model, pattern.comparison, pattern.level)
        column = f"mw_{pattern.comparison}"
        if weight is None or column not in frame.columns:
            continue
        exempt = pl.lit(False)
        for comparison, label in pattern.unless:
            exact = _level_weight(model, comparison, label)
            if exact is not None and f"mw_{comparison}" in frame.columns:
                exempt = exempt | ((pl.col(f"mw_{comparison}") - exact).abs() <= _TOLERANCE)
        hit = (pl.col(column) - weight).abs() <= _TOLERANCE
        matched = pl.when(hit & ~exempt).then(pl.lit(pattern.name)).otherwise(matched)
    return matched


def capped(merge_threshold: float) -> float:
    """The probability a cannot-link pair is held at, at most: just below the merge threshold."""
    return max(merge_threshold - 1e-3, 0.0)


def cap_expr(merge_threshold: float) -> tuple[pl.Expr, pl.Expr]:
    """(match_probability, match_weight) of a pair with a `cannot_link` column: capped where set."""
    cap = capped(merge_threshold)
    hit = pl.col("cannot_link").is_not_null() & (pl.col("match_probability") > cap)
    weight = math.log2(cap / (1 - cap)) if 0 < cap < 1 else 0.0
    return (
        pl.when(hit).then(pl.lit(cap)).otherwise(pl.col("match_probability")).alias("match_probability"),
        pl.when(hit).then(pl.lit(weight)).otherwise(pl.col("match_weight")).alias("match_weight"),
    )
