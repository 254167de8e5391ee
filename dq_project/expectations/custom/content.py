"""Custom expectations on what a filled value says: placeholders, dummy mobiles, dirty names.

Stewards find these by eye: an owner `待分配`, a mobile `13888888888`, a name `张凤静5` or `张\\0三`.
Each is a ColumnMapExpectation with a pandas metric provider (vectorized `str` operations); the
patterns are module constants so dq's row filter (rowfilter.py) applies exactly the same ones.
The Spark providers (`_spark`, GX's Spark engine, dq_project.engine.spark) are the same tests as
column expressions (`rlike` with the same patterns; Java's regex reads them alike).
"""

from __future__ import annotations

from typing import ClassVar

from great_expectations.compatibility.pyspark import functions as F
from great_expectations.execution_engine import PandasExecutionEngine, SparkDFExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from dq_project.expectations.custom.columns import per_value
from dq_project.expectations.custom.partials import frame_condition_partial

# The normalizer turns placeholders into null and says so in <field>_reason ('placeholder:无').
PLACEHOLDER_REASON = r"^placeholder:"
# A mobile the normalizer dropped as a dummy keeps its digits in the reason ('placeholder:13800000000').
DUMMY_REASON = r"^placeholder:\+?[0-9][0-9 ()+-]{6,}$"
# Seven equal digits in a row, eight ascending or descending, and well-known test numbers (compared on
# the digits after +86). No backreferences: the same pattern runs in Rust's regex for the row filter.
DUMMY_MOBILE = (
    "(?:" + "|".join(f"{d}{{7}}" for d in range(10)) + "|12345678|23456789|87654321|98765432"
    "|^13800138000$|^13912345678$)"
)
# A person's name holding a digit (full-width included), an @ (an e-mail pasted in) or a control
# character (a NUL, a tab, a line break the export kept).
DIRTY_NAME = r"[0-9\uff10-\uff19@\uff20\x00-\x1f\x7f]"


class ColumnValuesPlaceholderFree(ColumnMapMetricProvider):
    condition_metric_name = "column_values.placeholder_free"
    condition_value_keys = ("placeholders",)
    filter_column_isnull = False

    @frame_condition_partial(filter_column_isnull=False)
    def _pandas(cls, column, frame, placeholders=(), **kwargs):
        wanted = [p.lower() for p in placeholders]
        dropped = per_value(frame[f"{column.name}_reason"], lambda r: r.str.contains(PLACEHOLDER_REASON))
        listed = per_value(column, lambda v: v.str.strip().str.lower().isin(wanted))
        return ~(dropped | listed)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column, placeholders=(), _accessor_domain_kwargs=None, **kwargs):
        reason = F.col(f"{_accessor_domain_kwargs['column']}_reason")
        dropped = F.coalesce(reason.rlike(PLACEHOLDER_REASON), F.lit(False))
        wanted = [p.lower() for p in placeholders]
        stripped = F.lower(F.regexp_replace(column, r"^\s+|\s+$", ""))
        listed = F.coalesce(stripped.isin(wanted), F.lit(False)) if wanted else F.lit(False)
        return ~(dropped | listed)


class ExpectColumnValuesToBePlaceholderFree(ColumnMapExpectation):
    """Expect a text field to hold a real value, not a placeholder: neither one the normalizer
    recognised everywhere (无, 暂无, 未知, 不详, N/A, -, test, 测试; reason 'placeholder:<text>') nor
    one listed for this field in `placeholders` (e.g. 待分配 for an owner)."""

    map_metric = "column_values.placeholder_free"
    placeholders: list[str] = []
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "placeholders")


class ColumnValuesNotDummyMobile(ColumnMapMetricProvider):
    condition_metric_name = "column_values.not_dummy_mobile"
    filter_column_isnull = False

    @frame_condition_partial(filter_column_isnull=False)
    def _pandas(cls, column, frame, **kwargs):
        pattern = per_value(
            column, lambda v: v.str.replace(r"^\+86", "", regex=True).str.contains(DUMMY_MOBILE)
        )
        dropped = per_value(frame[f"{column.name}_reason"], lambda r: r.str.contains(DUMMY_REASON))
        return ~(pattern | dropped)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column, _accessor_domain_kwargs=None, **kwargs):
        pattern = F.coalesce(F.regexp_replace(column, r"^\+86", "").rlike(DUMMY_MOBILE), F.lit(False))
        reason = F.col(f"{_accessor_domain_kwargs['column']}_reason")
        return ~(pattern | F.coalesce(reason.rlike(DUMMY_REASON), F.lit(False)))


class ExpectColumnValuesToNotBeDummyMobile(ColumnMapExpectation):
    """Expect a mobile number not to be a dummy typed to get past a required field: seven equal
    digits (13888888888), eight ascending or descending digits (13812345678), or a well-known test
    number (13800138000)."""

    map_metric = "column_values.not_dummy_mobile"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ColumnValuesCleanName(ColumnMapMetricProvider):
    condition_metric_name = "column_values.clean_name"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return ~per_value(column, lambda v: v.str.contains(DIRTY_NAME))

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column, **kwargs):
        return ~F.coalesce(column.rlike(DIRTY_NAME), F.lit(False))


class ExpectColumnValuesToBeCleanName(ColumnMapExpectation):
    """Expect a person's name to contain no digit, phone number, e-mail or control character."""

    map_metric = "column_values.clean_name"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)
