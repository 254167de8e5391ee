"""Run the rule suite with Great Expectations and turn the validation result into polars frames.

One ephemeral GX context, one pandas batch, one validation of one suite. GX reports, per rule, the
rows it checked and the record keys of every failing row (``unexpected_index_list`` is complete under
COMPLETE); failing values are then read back from the polars frame and masked, so GX's raw
``unexpected_values`` never leave this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import great_expectations as gx
import pandas as pd
import polars as pl
from great_expectations.data_context.types.base import ProgressBarsConfig

from dq_project.expectations.catalog import Rule
from dq_project.expectations.suite import RULE_ID_META, build_suite, columns_used
from dq_project.masking import mask_values

logger = logging.getLogger(__name__)
KEY = "record_key"
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": [KEY]}
RESULT_SCHEMA = {
    "rule_id": pl.String, "dimension": pl.String, "severity": pl.String, "fields": pl.String,
    "threshold": pl.Float64, "evaluated": pl.Int64, "failed": pl.Int64, "failed_ratio": pl.Float64,
    "passed": pl.Boolean, "description_en": pl.String, "description_zh": pl.String,
}
FAILURE_SCHEMA = {
    "rule_id": pl.String, "record_key": pl.String, "field": pl.String, "value_masked": pl.String,
}
NS_MIN, NS_MAX = dt.datetime(1678, 1, 1), dt.datetime(2261, 12, 31)


@dataclass
class RuleRun:
    """Outcome of one suite run: one row per rule, and one row per failing record x rule."""

    results: pl.DataFrame
    failures: pl.DataFrame


def _to_pandas(df: pl.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The only pandas conversion: GX's pandas engine gets just the columns the suite reads.

    Dates and timestamps become datetime64[ns], the only unit GX compares vectorized (others go
    through a per-value Python map); values are clipped to the ns range, which keeps any
    out-of-range date out of range for the rules.
    """
    missing = [column for column in columns if column not in df.columns]
    if missing:
        raise ValueError(f"frame lacks columns the rules read: {missing}")
    return df.select(_engine_column(name, df.schema[name]) for name in columns).to_pandas()


def _engine_column(name: str, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return pl.col(name).cast(pl.Datetime("us")).clip(NS_MIN, NS_MAX).cast(pl.Datetime("ns"))
    if dtype == pl.Null:  # an all-null column built by hand: GX expects strings
        return pl.col(name).cast(pl.String)
    return pl.col(name)


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


def _counts_and_keys(outcome) -> tuple[str, int, int, list[str | None]]:
    """Rule id, evaluated rows, failed rows and failing record keys of one expectation result."""
    rule_id = outcome.expectation_config.meta[RULE_ID_META]
    if outcome.exception_info.get("raised_exception"):
        raise RuntimeError(f"rule {rule_id} raised in GX: {outcome.exception_info.get('exception_message')}")
    result = outcome.result
    evaluated = int(result.get("element_count", 0)) - int(result.get("missing_count") or 0)
    keys = [row.get(KEY) for row in result.get("unexpected_index_list") or []]
    # Missing keys come back as NaN from pandas.
    keys = [key if isinstance(key, str) else None for key in keys]
    return rule_id, evaluated, int(result.get("unexpected_count") or 0), keys


def _results_frame(rules: list[Rule], counts: dict[str, tuple[int, int]]) -> pl.DataFrame:
    rows = []
    for rule in rules:
        evaluated, failed = counts[rule.id]
        ratio = failed / evaluated if evaluated else 0.0
        rows.append({
            "rule_id": rule.id, "dimension": rule.dimension, "severity": rule.severity,
            "fields": ",".join(rule.fields), "threshold": rule.threshold, "evaluated": evaluated,
            "failed": failed, "failed_ratio": ratio, "passed": ratio <= rule.threshold,
            "description_en": rule.description_en, "description_zh": rule.description_zh,
        })
    return pl.DataFrame(rows, schema=RESULT_SCHEMA)


def _failures_frame(df: pl.DataFrame, rules: list[Rule], keys: dict[str, list[str | None]]) -> pl.DataFrame:
    """Failing record x rule with the rule's first field read from ``df`` and masked."""
    first_field = {rule.id: rule.fields[0] for rule in rules}
    failures = pl.DataFrame(
        {
            "rule_id": [rule.id for rule in rules for _ in keys[rule.id]],
            "record_key": [key for rule in rules for key in keys[rule.id]],
        },
        schema={"rule_id": pl.String, "record_key": pl.String},
    ).with_columns(pl.col("rule_id").replace_strict(first_field, return_dtype=pl.String).alias("field"))
    fields = sorted({field for field in first_field.values() if field in df.columns and field != KEY})
    lookup = df.select(pl.col(KEY).cast(pl.String), *fields).unique(KEY, keep="first")
    value = pl.lit(None, pl.String)
    for field in fields:
        value = pl.when(pl.col("field") == field).then(mask_values(field, pl.col(field))).otherwise(value)
    value = pl.when(pl.col("field") == KEY).then(mask_values(KEY, pl.col(KEY))).otherwise(value)
    return (
        failures.join(lookup, on=KEY, how="left", maintain_order="left")
        .select("rule_id", KEY, "field", value.alias("value_masked"))
        .cast(FAILURE_SCHEMA)
    )


def run_rules(df: pl.DataFrame, rules: list[Rule]) -> RuleRun:
    """Validate ``df`` (staging.customers shape) against ``rules`` with one GX validation.

    ``evaluated`` counts the rows a rule really checked (rows meeting its row condition, minus rows
    where the checked value is null); ``failed`` is GX's unexpected count; ``passed`` is
    ``failed_ratio <= threshold``. Failures carry the masked value of the rule's first field.
    """
    if not rules:
        return RuleRun(pl.DataFrame(schema=RESULT_SCHEMA), pl.DataFrame(schema=FAILURE_SCHEMA))
    columns = columns_used(rules)
    columns = columns if KEY in columns else [KEY, *columns]
    frame = _to_pandas(df, columns)
    with _quiet_gx():
        outcomes = _validate(frame, rules)
    counts, keys = {}, {}
    for outcome in outcomes:
        rule_id, evaluated, failed, failing_keys = _counts_and_keys(outcome)
        counts[rule_id], keys[rule_id] = (evaluated, failed), failing_keys
        if len(failing_keys) != failed:
            logger.warning("rule %s: GX counted %d failures, listed %d", rule_id, failed, len(failing_keys))
    if set(counts) != {rule.id for rule in rules}:
        raise RuntimeError(f"GX returned results for {sorted(counts)}, expected every rule")
    return RuleRun(_results_frame(rules, counts), _failures_frame(df, rules, keys))
