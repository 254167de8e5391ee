"""Run the suite with Great Expectations and turn its validation result into polars frames.

1. GX validates the staged partition (the columns the suite names, as one pandas frame; the only
   pandas in dq) against the suite: native expectations and dq's custom ones compute their own
   metrics, GX counts unexpected rows and decides pass/fail against `mostly` (1 - threshold);
2. failing rows are read with dq's vectorized filter (rowfilter.py) on the polars frame, which must
   count exactly what GX counted, or the run raises; expectations the filter does not know (a user's
   own type) get their failing rows from a second GX pass in COMPLETE format, keyed by record_key;
3. each failure names its field and reason, and its value is masked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import great_expectations as gx
import pandas as pd
import polars as pl
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.execution_engine import pandas_execution_engine

import dq_project.expectations.custom  # noqa: F401 (registers dq's expectations with GX)
from dq_project.expectations.reasons import failure_reason
from dq_project.expectations.rowfilter import failing_mask
from dq_project.expectations.suite import SUITE_NAME, Rule, columns_used, suite_parameters
from dq_project.governance.masking import mask_values
from dq_project.normalize.comparable import with_comparable_names

logger = logging.getLogger(__name__)
KEY = "record_key"
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
    """Outcome of one suite run: one row per rule, one row per failing record x rule, and GX's own
    validation result (for Data Docs)."""

    results: pl.DataFrame
    failures: pl.DataFrame
    validation: Any = None


@contextlib.contextmanager
def quiet_gx() -> Iterator[None]:
    """Silence GX's info logging for the duration of a run (progress bars are off in the context),
    and skip GX's batch fingerprint: it hashes every in-memory frame under 1 GB in full, twice per
    Batch.validate (2.2 s of 8 at 1M rows), for a marker dq never reads (the frame is not reloaded)."""
    names = [name for name in logging.root.manager.loggerDict if "great_expectations" in name]
    loggers = [logging.getLogger(name) for name in ["great_expectations", *names]]
    levels = [logger.level for logger in loggers]
    for one in loggers:
        one.setLevel(logging.WARNING)
    threshold = pandas_execution_engine.HASH_THRESHOLD
    pandas_execution_engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        pandas_execution_engine.HASH_THRESHOLD = threshold
        for one, level in zip(loggers, levels, strict=True):
            one.setLevel(level)


def build_suite(rules: list[Rule]) -> gx.ExpectationSuite:
    """The GX suite of `rules`; GX silently drops an expectation it cannot build, so that raises here."""
    suite = gx.ExpectationSuite(name=SUITE_NAME, expectations=[rule.expectation() for rule in rules])
    if len(suite.expectations) != len(rules):
        built = {e.meta.get("rule_id") for e in suite.expectations}
        raise ValueError(f"GX could not build the expectations of {sorted({r.id for r in rules} - built)}")
    return suite


def whole_frame_batch(frame, engine: str = "pandas"):
    """A GX batch of the whole `frame` on an ephemeral context, with GX's `engine` data source
    ("pandas" here, "spark" for dq_project.engine.spark.quality)."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    add_source = getattr(context.data_sources, f"add_{engine}")
    definition = (
        add_source("staging")
        .add_dataframe_asset("customers")
        .add_batch_definition_whole_dataframe("snapshot")
    )
    return definition.get_batch(batch_parameters={"dataframe": frame})


def validate(frame: pd.DataFrame, rules: list[Rule], parameters: dict, result_format: dict | str = "BASIC"):
    """One GX validation of `frame` against the suite of `rules` (Batch.validate: nothing is stored)."""
    with quiet_gx():
        return whole_frame_batch(frame).validate(
            build_suite(rules), result_format=result_format, expectation_parameters=parameters
        )


def _condition_groups(rules: list[Rule]) -> list[list[Rule]]:
    """The rules grouped by their row condition, in first-use order."""
    groups: dict[str, list[Rule]] = {}
    for rule in rules:
        condition = json.dumps(rule.expectation()["kwargs"].get("row_condition"), sort_keys=True)
        groups.setdefault(condition, []).append(rule)
    return list(groups.values())


def validate_grouped(df: pl.DataFrame, rules: list[Rule], parameters: dict):
    """GX over the suite, one validation per distinct row condition, each over its own columns only.

    GX's pandas engine applies a rule's row condition with `DataFrame.query` and then copies every
    column of the frame (`take`) for each rule: over the whole suite's 40 columns that copying was
    a fifth of the step at 1M rows. A frame per condition holds only the columns its rules read;
    every frame keeps all rows, so cross-row rules (uniqueness, one name per key) see the same rows,
    and the counts are the same (test_rule_groups). The results are merged back into one validation
    result in suite order (for Data Docs)."""
    merged = None
    results = {}
    for group in _condition_groups(rules):
        validation = validate(_pandas_frame(df, group), group, parameters)
        merged = merged or validation
        for result in validation.results:
            results[result.expectation_config.meta["rule_id"]] = result
    return with_statistics(merged, [results[rule.id] for rule in rules if rule.id in results])


def with_statistics(validation, results: list):
    """`validation` holding `results`, its success and statistics restated from them."""
    validation.results = results
    validation.success = all(result.success for result in results)
    passed = sum(bool(result.success) for result in results)
    total = len(results)
    validation.statistics = {
        **validation.statistics,
        "evaluated_expectations": total,
        "successful_expectations": passed,
        "unsuccessful_expectations": total - passed,
        "success_percent": 100.0 * passed / total if total else None,
    }
    return validation


_STATUS_READERS = ("valid_cn_resident_id", "valid_cn_credit_code", "valid_phone_number", "valid_email")
_REASON_READERS = ("placeholder_free", "dummy_mobile")


def _gx_columns(rules: list[Rule], available: list[str]) -> tuple[list[str], set[str]]:
    """The columns GX reads (those the suite names, the status/reason columns dq's custom
    expectations read, the key) and those compared pairwise (kept out of pandas categories, whose
    comparison needs equal category sets)."""
    used = columns_used(rules)
    missing = [column for column in [KEY, *used] if column not in available]
    if missing:
        raise ValueError(f"frame lacks columns the rules read: {missing}")
    companions, compared = [], set()
    for rule in rules:
        column = rule.kwargs.get("column")
        if column and rule.type.endswith(_STATUS_READERS):
            companions.append(f"{column}_status")
        if column and rule.type.endswith(_REASON_READERS):
            companions.append(f"{column}_reason")
        if rule.type in (
            "expect_column_pair_values_to_be_equal",
            "expect_column_pair_values_a_to_be_greater_than_b",
        ):
            compared |= {rule.kwargs["column_A"], rule.kwargs["column_B"]}
    columns = [KEY, *used, *(c for c in companions if c in available)]
    return list(dict.fromkeys(columns)), compared


# Few distinct values: pandas `category` (codes are cheap to take when a row condition copies the
# frame). Other text stays Arrow-backed `str`, zero-copy from polars: converting a column of 1M
# distinct values to a category cost 0.6-1.2 s each, and numpy objects made GX's string work slower.
_LOW_CARDINALITY = ("source", "customer_type", "gender", "country", "province", "city", "district", "owner")


def _pandas_frame(df: pl.DataFrame, rules: list[Rule], key: bool = False) -> pd.DataFrame:
    """The frame GX validates (with `key`: record_key too, for GX's unexpected_index_list), shaped for
    GX's pandas engine: low-cardinality text as `category`, other text Arrow-backed, dates and times
    as datetime64[ns] (the only resolution GX's between compares vectorized; any other ran a Python
    function per row, 0.7 s per expectation on 200k rows)."""
    columns, compared = _gx_columns(rules, df.columns)
    columns = [c for c in columns if key or c != KEY]
    # Columns compared with each other share one category set (pandas refuses to compare others).
    shared = sorted({v for c in compared if df.schema[c] == pl.String for v in df[c].drop_nulls().unique()})
    casts = []
    for column in columns:
        dtype = df.schema[column]
        if dtype == pl.String and column in compared:
            casts.append(pl.col(column).cast(pl.Enum(shared)))
        elif dtype == pl.String and (column in _LOW_CARDINALITY or column.endswith(("_status", "_reason"))):
            casts.append(pl.col(column).cast(pl.Categorical))
        elif dtype in (pl.Date, pl.Datetime) or isinstance(dtype, pl.Datetime):
            casts.append(pl.col(column).cast(pl.Datetime("ns")))
        else:
            casts.append(pl.col(column))
    return df.select(casts).to_pandas()


def _counts(result, rules_by_id: dict[str, Rule]) -> tuple[str, int, int, bool]:
    """Rule id, evaluated rows, unexpected rows and GX's verdict of one expectation result."""
    rule_id = result.expectation_config.meta["rule_id"]
    if result.exception_info.get("raised_exception"):
        raise RuntimeError(f"rule {rule_id} raised in GX: {result.exception_info.get('exception_message')}")
    counts = result.result
    element = int(counts.get("element_count", 0))
    evaluated = element - int(counts.get("missing_count") or 0)
    if rules_by_id[rule_id].type == "expect_column_values_to_not_be_null":
        evaluated = element
    return rule_id, evaluated, int(counts.get("unexpected_count") or 0), bool(result.success)


def _failure_rows(df: pl.DataFrame, rule: Rule, mask: pl.Series) -> pl.DataFrame:
    field = rule.field
    value = pl.col(field) if field in df.columns else pl.lit(None, pl.String)
    return (
        df.filter(mask)
        .select(
            rule_id=pl.lit(rule.id),
            record_key=pl.col(KEY).cast(pl.String),
            field=pl.lit(field),
            value_masked=mask_values(field, value.cast(pl.String)),
            reason=failure_reason(rule, df.columns),
        )
        .cast(FAILURE_SCHEMA)
    )


def _complete_masks(
    df: pl.DataFrame, frame: pd.DataFrame | None, rules: list[Rule], parameters: dict
) -> dict:
    """Failing-row masks of the rules the filter does not know, from GX's COMPLETE result format."""
    if not rules:
        return {}
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [KEY]}
    masks = {}
    for result in validate(frame, rules, parameters, result_format).results:
        keys = [row[KEY] for row in result.result.get("unexpected_index_list") or []]
        masks[result.expectation_config.meta["rule_id"]] = df[KEY].is_in(
            pl.Series(keys, dtype=pl.String).implode()
        )
    return masks


def results_frame(rules: list[Rule], counts: dict[str, tuple[int, int, bool]]) -> pl.DataFrame:
    """One row per rule (RESULT_SCHEMA) from (evaluated, failed, passed) per rule id."""
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
                "failed_ratio": min(failed / evaluated, 1.0) if evaluated else 0.0,
                "passed": passed,
                "description_en": rule.description_en,
                "description_zh": rule.description_zh,
            }
        )
    return pl.DataFrame(rows, schema=RESULT_SCHEMA)


def prepare(df: pl.DataFrame) -> pl.DataFrame:
    """The staged frame plus what the suite compares: name_key/company_key (comparable names) and a
    `country` (CN where a frame from before the country field has none)."""
    if "country" not in df.columns:
        df = df.with_columns(country=pl.lit("CN"))
    return with_comparable_names(df)


def run_rules(df: pl.DataFrame, rules: list[Rule], as_of: dt.date | None = None) -> RuleRun:
    """Validate `df` (staging.customers shape) against `rules` with GX.

    `evaluated` counts the rows GX evaluated (the row condition's rows, without nulls for map
    expectations); `failed` GX's unexpected count; `passed` GX's verdict. Failures carry the field the
    rule is filed under, its masked value and a reason.
    """
    if not rules:
        return RuleRun(pl.DataFrame(schema=RESULT_SCHEMA), pl.DataFrame(schema=FAILURE_SCHEMA))
    df = prepare(df)
    parameters = suite_parameters(rules, as_of or dt.date.today())
    validation = validate_grouped(df, rules, parameters)
    counts = rule_counts(validation, rules)
    masks = filter_masks(df, rules, parameters)
    unknown = [rule for rule in rules if masks[rule.id] is None]
    masks |= _complete_masks(
        df, _pandas_frame(df, unknown, key=True) if unknown else None, unknown, parameters
    )
    return checked_run(df, rules, counts, masks, validation)


def rule_counts(validation, rules: list[Rule]) -> dict[str, tuple[int, int, bool]]:
    """(evaluated, failed, passed) per rule id from a GX validation of `rules`, on any engine."""
    by_id = {rule.id: rule for rule in rules}
    counts = {}
    for result in validation.results:
        rule_id, evaluated, failed, passed = _counts(result, by_id)
        counts[rule_id] = (evaluated, failed, passed)
    if set(counts) != set(by_id):
        raise RuntimeError(f"GX returned results for {sorted(counts)}, expected every rule")
    return counts


def filter_masks(df: pl.DataFrame, rules: list[Rule], parameters: dict) -> dict[str, pl.Series | None]:
    """Each rule's failing rows by dq's polars filter; None where the filter cannot tell."""
    return {rule.id: failing_mask(rule.type, rule.expectation()["kwargs"], df, parameters) for rule in rules}


def checked_run(
    df: pl.DataFrame,
    rules: list[Rule],
    counts: dict[str, tuple[int, int, bool]],
    masks: dict[str, pl.Series],
    validation,
    counter: str = "GX",
) -> RuleRun:
    """The RuleRun of a validation whose failing rows are `masks`; the masks must count what GX
    (`counter`) counted, rule by rule."""
    parts = []
    for rule in rules:
        n = int(masks[rule.id].sum())
        if n != counts[rule.id][1]:
            raise RuntimeError(
                f"rule {rule.id}: {counter} counted {counts[rule.id][1]} failures, the filter {n}"
            )
        if n:
            parts.append(_failure_rows(df, rule, masks[rule.id]))
    failures = pl.concat(parts) if parts else pl.DataFrame(schema=FAILURE_SCHEMA)
    return RuleRun(results_frame(rules, counts), failures, validation)
