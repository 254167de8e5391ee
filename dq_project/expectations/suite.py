"""Build one Great Expectations suite from the rule catalog.

Each rule becomes one expectation whose ``meta["rule_id"]`` maps its validation result back to the
rule. Row conditions use GX 1.x Condition objects (``Column("customer_type") == "person"``): the
string ``row_condition`` + ``condition_parser="pandas"`` form is deprecated since GX Core 1.9.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column, Condition

from dq_project.expectations.catalog import Rule, Where

RULE_ID_META = "rule_id"
COLUMN_KWARGS = ("column", "column_A", "column_B")


def row_condition(terms: tuple[Where, ...]) -> Condition | None:
    """The GX Condition for a rule's ANDed ``Where`` terms (None when the rule checks every row)."""
    conditions = [
        Column(term.column) == term.value if term.op == "==" else Column(term.column) != term.value
        for term in terms
    ]
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def _engine_value(value: Any) -> Any:
    # Polars dates reach pandas as datetime64, which does not compare with datetime.date.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


def build_expectation(rule: Rule) -> gxe.Expectation:
    """The GX expectation of one rule, tagged with the rule id in ``meta``."""
    expectation_class = getattr(gxe, rule.expectation)
    kwargs = {key: _engine_value(value) for key, value in rule.kwargs.items()}
    condition = row_condition(rule.row_condition)
    if condition is not None:
        kwargs["row_condition"] = condition
    return expectation_class(**kwargs, meta={RULE_ID_META: rule.id}, notes=rule.description_en)


def build_suite(rules: list[Rule], name: str = "staging_customers") -> gx.ExpectationSuite:
    """An ExpectationSuite with one expectation per rule (rule ids must be unique)."""
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate rule ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    return gx.ExpectationSuite(name=name, expectations=[build_expectation(rule) for rule in rules])


def columns_used(rules: list[Rule]) -> list[str]:
    """Every column the suite reads (expectation columns and row-condition columns), in first-use order."""
    columns: dict[str, None] = {}
    for rule in rules:
        columns.update(dict.fromkeys(rule.kwargs[key] for key in COLUMN_KWARGS if key in rule.kwargs))
        columns.update(dict.fromkeys(rule.kwargs.get("column_list", [])))
        columns.update(dict.fromkeys(term.column for term in rule.row_condition))
    return list(columns)
