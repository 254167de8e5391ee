"""Cannot-link evidence (dq_project.matching.cannot_link): the level a pair reached, read from its
per-comparison weight, holds it below the merge threshold unless an identical ID says otherwise."""

from __future__ import annotations

import math

import polars as pl

from dq_project.matching.cannot_link import TWIN_NAMES, cannot_link, cap_expr, patterns_for
from dq_project.matching.comparisons import BRANCH_DIFFERS, FORM_DIFFERS


def _levels(*levels: tuple[str, float, float]) -> list[dict]:
    return [{"sql_condition": "null", "is_null_level": True}] + [
        {"sql_condition": label, "label_for_charts": label, "m_probability": m, "u_probability": u}
        for label, m, u in levels
    ]


def _w(m: float, u: float) -> float:
    return math.log2(m / u)


PERSON = {
    "comparisons": [
        {"output_column_name": "id_number", "comparison_levels": _levels(
            ("Exact match on id_number", 0.9, 1e-6), ("All other comparisons", 0.1, 0.99))},
        {"output_column_name": "name", "comparison_levels": _levels(
            ("Exact match on name_chars", 0.8, 1e-4), (TWIN_NAMES, 0.01, 0.004),
            ("All other comparisons", 0.001, 0.99))},
    ]
}  # fmt: skip


def test_twins_are_held_below_the_merge_threshold_unless_the_id_is_the_same() -> None:
    exact_id, other_id = _w(0.9, 1e-6), _w(0.1, 0.99)
    twin, same, different = _w(0.01, 0.004), _w(0.8, 1e-4), _w(0.001, 0.99)
    frame = pl.DataFrame(
        {
            "mw_id_number": [0.0, exact_id, 0.0, other_id, 0.0],
            "mw_name": [twin, twin, same, twin, different],
            "match_probability": [0.999, 0.9999, 0.999, 0.97, 0.96],
            "match_weight": [10.0, 30.0, 10.0, 5.0, 4.6],
        }
    )
    flagged = frame.with_columns(cannot_link(frame, PERSON, "person").alias("cannot_link"))
    assert flagged["cannot_link"].to_list() == ["twins", None, None, "twins", "other_name"]
    capped = flagged.with_columns(cap_expr(0.9))
    # a shared mobile and address (the 0.999) do not outweigh it: the pair goes to review instead
    assert capped["match_probability"].to_list() == [0.899, 0.9999, 0.999, 0.899, 0.899]
    assert abs(capped["match_weight"][0] - math.log2(0.899 / 0.101)) < 1e-12


def test_a_level_whose_weight_is_not_its_own_is_not_guessed() -> None:
    model = {"comparisons": [{"output_column_name": "name", "comparison_levels": _levels(
        (TWIN_NAMES, 0.01, 0.01), ("All other comparisons", 0.5, 0.5))}]}  # fmt: skip
    frame = pl.DataFrame({"mw_name": [0.0], "match_probability": [0.99], "match_weight": [7.0]})
    assert frame.select(cannot_link(frame, model, "person")).item() is None


def test_company_patterns_follow_the_comparisons_the_model_has() -> None:
    assert patterns_for("company", ["credit_code", "company_name", "company_form"]) == [
        "legal_form", "branch", "brand_character"
    ]  # fmt: skip
    assert patterns_for("company", ["credit_code", "phone"]) == []
    assert patterns_for("person", ["given_name", "family_name", "birth_date"]) == []
    model = {"comparisons": [
        {"output_column_name": "credit_code", "comparison_levels": _levels(
            ("Exact match on credit_code", 0.9, 1e-6), ("All other comparisons", 0.1, 0.99))},
        {"output_column_name": "company_form", "comparison_levels": _levels(
            ("Same legal form and branch", 0.95, 0.6), (BRANCH_DIFFERS, 0.01, 0.02),
            (FORM_DIFFERS, 0.04, 0.38))},
    ]}  # fmt: skip
    frame = pl.DataFrame(
        {
            "mw_credit_code": [0.0, _w(0.9, 1e-6), 0.0],
            "mw_company_form": [_w(0.01, 0.02), _w(0.04, 0.38), _w(0.04, 0.38)],
        }
    )
    # the same valid credit code merges a company that changed its legal form
    assert frame.select(cannot_link(frame, model, "company")).to_series().to_list() == [
        "branch",
        None,
        "legal_form",
    ]
