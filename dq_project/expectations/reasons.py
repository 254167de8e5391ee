"""Why a record fails a rule: the reason column of dq.rule_failures and `dq export failures`.

The normalizer already says why a value is missing or invalid (`<field>_reason`: 'blank',
'placeholder:无', 'checksum', 'bad_prefix', 'domain_typo:qq.com'); rules that read a status reuse it.
Other rules give a short fixed reason, or the `reason` in their meta.
"""

from __future__ import annotations

import polars as pl

from dq_project.expectations.custom.content import DIRTY_NAME
from dq_project.expectations.suite import Rule

_FIXED = {
    "expect_column_values_to_be_in_set": "not_allowed",
    "expect_column_values_to_not_be_in_set": "not_allowed",
    "expect_column_values_to_match_regex": "pattern",
    "expect_column_value_lengths_to_be_between": "length",
    "expect_column_values_to_be_between": "out_of_range",
    "expect_column_pair_values_a_to_be_greater_than_b": "order",
    "expect_column_pair_values_to_be_equal": "mismatch",
    "expect_compound_columns_to_be_unique": "duplicate",
    "expect_column_values_to_be_unique": "duplicate",
    "expect_column_values_to_not_be_dummy_mobile": "dummy_number",
    "expect_column_values_to_have_one_name_per_key": "different_names",
    "expect_column_values_to_have_one_filled_among": "missing",
    "expect_column_values_to_have_area_code_of_city": "area_code_not_of_city",
}
_STATUS_TYPES = (
    "expect_column_values_to_be_valid_cn_resident_id",
    "expect_column_values_to_be_valid_cn_credit_code",
    "expect_column_values_to_be_valid_phone_number",
    "expect_column_values_to_be_valid_email",
    "expect_column_values_to_be_placeholder_free",
)


def _name_problem(column: str) -> pl.Expr:
    name = pl.col(column)
    return (
        pl.when(name.str.contains(r"[\x00-\x1f\x7f]"))
        .then(pl.lit("control_character"))
        .when(name.str.contains(r"[@\uff20]"))
        .then(pl.lit("email_in_name"))
        .when(name.str.contains(r"[0-9\uff10-\uff19]{7,}"))
        .then(pl.lit("phone_in_name"))
        .when(name.str.contains(DIRTY_NAME))
        .then(pl.lit("digit_in_name"))
    )


def failure_reason(rule: Rule, columns: list[str]) -> pl.Expr:
    """A polars expression: the reason a failing row of `rule` gives."""
    own_reason = f"{rule.field}_reason"
    if rule.reason:
        return pl.lit(rule.reason)
    if rule.type == "expect_column_values_to_not_be_null":
        detail = pl.col(own_reason) if own_reason in columns else pl.lit("blank")
        return pl.lit("missing:") + detail.fill_null("blank")
    reads_status = str(rule.kwargs.get("column", "")).endswith("_status")
    if (rule.type in _STATUS_TYPES or reads_status) and own_reason in columns:
        return pl.col(own_reason).fill_null(pl.lit(_FIXED.get(rule.type, "invalid")))
    if rule.type == "expect_column_values_to_be_clean_name":
        return _name_problem(rule.field)
    if rule.type == "expect_column_values_to_be_in_parent_division":
        return pl.lit(f"{rule.kwargs['column']}_not_in_{rule.kwargs['parent_column']}")
    if rule.type == "expect_column_values_to_be_between" and rule.kwargs.get("max_value", {}) == {
        "$PARAMETER": "snapshot_end"
    }:
        return pl.lit("after_snapshot_date")
    return pl.lit(_FIXED.get(rule.type, rule.type.removeprefix("expect_")))
