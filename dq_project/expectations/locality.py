"""Which rules are row-local: a record's outcome depends only on that record's own staged row.

Incremental rule results (dq_project.expectations.incremental) carry a row-local rule's outcome of an
unchanged record forward from the previous date. That is only right for an expectation whose metric
judges each row by its own values (GX's column-map, column-pair-map and row-wise multicolumn
expectations) and whose configuration names no column that changes when a row is copied forward
(its date, load and row number) and no `$PARAMETER` (the snapshot date moves every day) but the
bounds of a between expectation: the unchanged rows whose value lies between a bound's value on the
previous date and on this one are validated again with the changed rows
(dq_project.expectations.incremental), the others keep their verdict. Everything else is cross-row
(uniqueness, one name per key: a row's verdict depends on other rows) or otherwise
date-parameterised, and is validated on the whole partition every day. An expectation type not listed
here (a user's own) counts as cross-row: the safe side.
"""

from __future__ import annotations

import json

from dq_project.expectations.suite import Rule, columns_used

ROW_LOCAL_TYPES = frozenset(
    {
        # Great Expectations' own row-wise map expectations
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_values_to_match_regex_list",
        "expect_column_values_to_not_match_regex_list",
        "expect_column_value_lengths_to_be_between",
        "expect_column_value_lengths_to_equal",
        "expect_column_values_to_match_strftime_format",
        "expect_column_values_to_be_dateutil_parseable",
        "expect_column_values_to_be_json_parseable",
        "expect_column_pair_values_to_be_equal",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_pair_values_to_be_in_set",
        "expect_select_column_values_to_be_unique_within_record",
        "expect_multicolumn_sum_to_equal",
        # dq's custom expectations that judge a row by its own columns (not one_name_per_key)
        "expect_column_values_to_have_one_filled_among",
        "expect_column_values_to_not_be_dummy_mobile",
        "expect_column_values_to_be_valid_phone_number",
        "expect_column_values_to_be_valid_email",
        "expect_column_values_to_be_valid_cn_resident_id",
        "expect_column_values_to_be_valid_cn_credit_code",
        "expect_column_values_to_be_clean_name",
        "expect_column_values_to_be_placeholder_free",
        "expect_column_values_to_be_in_parent_division",
        "expect_column_values_to_have_area_code_of_city",
    }
)
# Columns a copied-forward staged row does not keep (sql/staging/copy_unchanged_rows.sql).
PER_DATE_COLUMNS = frozenset({"snapshot_date", "load_id", "row_number"})


BETWEEN = "expect_column_values_to_be_between"
_BOUNDS = ("min_value", "max_value")


def parameter_bounds(rule: Rule) -> list[tuple[str, str]]:
    """(bound, parameter name) of each `$PARAMETER` bound of a between rule (`birth_date_in_range`,
    the not-in-future and staleness rules): their verdict on an unchanged row moves with the date only
    when its value lies between the bound on the previous date and on this one."""
    kwargs = rule.expectation()["kwargs"] if rule.type == BETWEEN else {}
    return [
        (b, kwargs[b]["$PARAMETER"])
        for b in _BOUNDS
        if isinstance(kwargs.get(b), dict) and "$PARAMETER" in kwargs[b]
    ]


def is_row_local(rule: Rule) -> bool:
    """True when `rule`'s verdict on a record depends only on that record's carried-forward values
    (and, for `parameter_bounds`, on the date's parameters)."""
    if rule.type not in ROW_LOCAL_TYPES or PER_DATE_COLUMNS & set(columns_used([rule])):
        return False
    return json.dumps(rule.expectation()["kwargs"]).count("$PARAMETER") == len(parameter_bounds(rule))


def split_rules(rules: list[Rule]) -> tuple[list[Rule], list[Rule]]:
    """(row-local rules, the others), each in suite order."""
    local = [rule for rule in rules if is_row_local(rule)]
    return local, [rule for rule in rules if not is_row_local(rule)]
