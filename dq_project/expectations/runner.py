"""Run the rule suite with Great Expectations and turn the validation result into polars frames.

1. checks.outcome computes every rule's per-row outcome in one polars pass (Int8: -1 not
   applicable, 0 pass, 1 fail; the per-value work, checksums and phone parsing, was done by the
   normalizer and sits in the status columns);
2. one ephemeral GX context validates the outcome columns (a pandas frame of Int8 numpy arrays,
   no copies of customer data) with one expectation per rule: GX counts evaluated and failed rows
   and decides pass/fail against the threshold;
3. failing rows are read with a vectorized filter on the same outcome columns (cheaper than GX's
   COMPLETE result format with unexpected_index_list, which cost ~8x more) and their values masked.
   GX's failed count and the filtered row count must agree, or the run raises.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import great_expectations as gx
import pandas as pd
import polars as pl
from great_expectations.data_context.types.base import ProgressBarsConfig

from dq_project.expectations.catalog import Rule
from dq_project.expectations.checks import outcome, reason
from dq_project.expectations.gx_rule import FAIL
from dq_project.expectations.suite import RULE_ID_META, build_suite, columns_used
from dq_project.masking import mask_values
from dq_project.matching.features import with_comparable_names

logger = logging.getLogger(__name__)
KEY = "record_key"
RESULT_FORMAT = {"result_format": "BASIC"}
RESULT_SCHEMA = {
    "rule_id": pl.String,
    "dimension": pl.String,
    "severity": pl.String,
    "fields": pl.String,
    "threshold": pl.Float64,
    "evaluated": pl.Int64,
    "failed": pl.Int64,
    "failed_ratio": pl.Float64,
    "passed": pl.Boolean,
    "description_en": pl.String,
    "description_zh": pl.String,
}
FAILURE_SCHEMA = {
    "rule_id": pl.String,
    "record_key": pl.String,
    "field": pl.String,
    "value_masked": pl.String,
    "reason": pl.String,
}


@dataclass
class RuleRun:
    """Outcome of one suite run: one row per rule, and one row per failing record x rule."""

    results: pl.DataFrame
    failures: pl.DataFrame


@contextlib.contextmanager
def _quiet_gx() -> Iterator[None]:
    """Silence GX's info logging for the duration of a run (progress bars are off in the context)."""
    # Some GX modules name their logger by file path, so match anywhere in the name.
    names = [name for name in logging.root.manager.loggerDict if "great_expectations" in name]
    loggers = [logging.getLogger(name) for name in ["great_expectations", *names]]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _validate(frame: pd.DataFrame, rules: list[Rule]) -> list:
    """Run all rules as one validation; the per-expectation results, in no particular order."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch_definition = (
        context.data_sources.add_pandas("staging")
        .add_dataframe_asset("customers")
        .add_batch_definition_whole_dataframe("snapshot")
    )
    suite = context.suites.add(build_suite(rules))
    # Batch.validate, unlike ValidationDefinition.run, does not serialize the (large) COMPLETE result
    # into the context's results store, which took about half the run time.
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    return batch.validate(suite, result_format=RESULT_FORMAT).results


def _counts(outcome) -> tuple[str, int, int, bool]:
    """Rule id, evaluated rows, failed rows and GX's verdict of one expectation result."""
    rule_id = outcome.expectation_config.meta[RULE_ID_META]
    if outcome.exception_info.get("raised_exception"):
        raise RuntimeError(f"rule {rule_id} raised in GX: {outcome.exception_info.get('exception_message')}")
    details = outcome.result["details"]
    return rule_id, int(details["evaluated"]), int(details["failed"]), bool(outcome.success)


def _results_frame(rules: list[Rule], counts: dict[str, tuple[int, int, bool]]) -> pl.DataFrame:
    rows = []
    for rule in rules:
        evaluated, failed, passed = counts[rule.id]
        rows.append(
            {
                "rule_id": rule.id,
                "dimension": rule.dimension,
                "severity": rule.severity,
                "fields": ",".join(rule.fields),
                "threshold": rule.threshold,
                "evaluated": evaluated,
                "failed": failed,
                "failed_ratio": failed / evaluated if evaluated else 0.0,
                "passed": passed,
                "description_en": rule.description_en,
                "description_zh": rule.description_zh,
            }
        )
    return pl.DataFrame(rows, schema=RESULT_SCHEMA)


def _failures_frame(df: pl.DataFrame, outcomes: pl.DataFrame, rules: list[Rule]) -> pl.DataFrame:
    """Failing record x rule: the rule's first field read from ``df`` and masked, and the reason."""
    parts = []
    for rule in rules:
        field = rule.fields[0]
        value = pl.col(field) if field in df.columns else pl.lit(None, pl.String)
        parts.append(
            df.lazy()
            .filter(outcomes[rule.id] == FAIL)
            .select(
                rule_id=pl.lit(rule.id),
                record_key=pl.col(KEY).cast(pl.String),
                field=pl.lit(field),
                value_masked=mask_values(field, value),
                reason=reason(rule, df.columns),
            )
        )
    if not parts:
        return pl.DataFrame(schema=FAILURE_SCHEMA)
    return pl.concat(pl.collect_all(parts)).cast(FAILURE_SCHEMA)


def run_rules(df: pl.DataFrame, rules: list[Rule]) -> RuleRun:
    """Validate ``df`` (staging.customers shape) against ``rules`` with one GX validation.

    ``evaluated`` counts the rows a rule really checked (rows meeting its row condition where the
    checked values are present); ``failed`` the rows failing it; ``passed`` is GX's verdict,
    ``failed_ratio <= threshold``. Failures carry the masked value of the rule's first field and a
    reason (the normalizer's <field>_reason for validity rules, the missing fields for required-field
    rules, else null).
    """
    if not rules:
        return RuleRun(pl.DataFrame(schema=RESULT_SCHEMA), pl.DataFrame(schema=FAILURE_SCHEMA))
    df = with_comparable_names(df)
    missing = [column for column in [KEY, *columns_used(rules)] if column not in df.columns]
    if missing:
        raise ValueError(f"frame lacks columns the rules read: {missing}")
    outcomes = df.select(outcome(rule) for rule in rules)
    with _quiet_gx():
        results = _validate(outcomes.to_pandas(), rules)
    counts = {}
    for result in results:
        rule_id, evaluated, failed, passed = _counts(result)
        counts[rule_id] = (evaluated, failed, passed)
    if set(counts) != {rule.id for rule in rules}:
        raise RuntimeError(f"GX returned results for {sorted(counts)}, expected every rule")
    failures = _failures_frame(df, outcomes, rules)
    listed = failures.group_by("rule_id").len()
    for rule_id, n in listed.iter_rows():
        if n != counts[rule_id][1]:
            raise RuntimeError(f"rule {rule_id}: GX counted {counts[rule_id][1]} failures, the filter {n}")
    return RuleRun(_results_frame(rules, counts), failures)
