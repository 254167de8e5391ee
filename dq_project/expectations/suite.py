"""Build one Great Expectations suite from the rule catalog.

Each rule becomes one ExpectRuleFailedRatioToBeAtMost (gx_rule.py) on the rule's outcome column
(named after the rule id, computed by checks.outcome), with ``meta["rule_id"]`` mapping its
validation result back to the rule. Row conditions are part of the outcome (not-applicable rows
are -1), so GX evaluates every rule over the whole batch without filtering it per expectation.
"""

from __future__ import annotations

from typing import Any

import great_expectations as gx

from dq_project.expectations.catalog import Rule
from dq_project.expectations.gx_rule import ExpectRuleFailedRatioToBeAtMost

RULE_ID_META = "rule_id"
# Params that name input columns (a list for required/any_of, a column name otherwise).
_COLUMN_PARAMS = ("column", "a", "b", "key", "name", "fallback")


def build_expectation(rule: Rule) -> ExpectRuleFailedRatioToBeAtMost:
    """The GX expectation of one rule, tagged with the rule id in ``meta``."""
    return ExpectRuleFailedRatioToBeAtMost(
        column=rule.id, threshold=rule.threshold, meta={RULE_ID_META: rule.id}, notes=rule.description_en
    )


def build_suite(rules: list[Rule], name: str = "staging_customers") -> gx.ExpectationSuite:
    """An ExpectationSuite with one expectation per rule (rule ids must be unique)."""
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate rule ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    return gx.ExpectationSuite(name=name, expectations=[build_expectation(rule) for rule in rules])


def rule_columns(rule: Rule) -> list[str]:
    """The input columns a rule's check reads (params and row condition), in first-use order."""
    params: dict[str, Any] = dict(rule.params)
    columns = [params[key] for key in _COLUMN_PARAMS if params.get(key)]
    if "field" in params:
        columns.append(f"{params['field']}_status")
    columns += list(params.get("required", ()))
    columns += [column for group in params.get("any_of", ()) for column in group]
    columns += [term.column for term in rule.row_condition]
    return list(dict.fromkeys(columns))


def columns_used(rules: list[Rule]) -> list[str]:
    """Every input column the suite reads, in first-use order."""
    return list(dict.fromkeys(column for rule in rules for column in rule_columns(rule)))
