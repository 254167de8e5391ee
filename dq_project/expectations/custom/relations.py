"""Custom expectations across columns: divisions that belong together, one name per identifier, at
least one contact channel.

Pandas providers (vectorized; the one-name-per-key grouping runs in polars on the two columns) and
Spark providers for GX's Spark engine: the division pairs as one `isin`, the key's names by a
window over the key (the same verdict as names_agree). (They read a second column from the domain
frame rather than being GX column *pair* expectations: GX 1.24 counts a pair's rows without its row
condition, and these checks are scoped to Chinese records.)
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

import numpy as np
import pandas as pd
import polars as pl
from great_expectations.compatibility.pyspark import Window
from great_expectations.compatibility.pyspark import functions as F
from great_expectations.core.metric_function_types import (
    MetricPartialFunctionTypes,
    SummarizationMetricNameSuffixes,
)
from great_expectations.execution_engine import SparkDFExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation, _format_map_output
from great_expectations.expectations.expectation_configuration import parse_result_format
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from dq_project.expectations.custom.columns import pair_codes
from dq_project.expectations.custom.partials import frame_condition_partial
from dq_project.normalize.divisions import county_table

PAIR_SEPARATOR = "\x1f"


@cache
def division_pairs() -> frozenset[str]:
    """'<parent>\\x1f<child>' for every (province, city) and (city, district) of GB/T 2260 today."""
    table = county_table()
    pairs = pl.concat(
        [
            table.select(pl.concat_str("province", "city", separator=PAIR_SEPARATOR).alias("pair")),
            table.select(pl.concat_str("city", "district", separator=PAIR_SEPARATOR).alias("pair")),
        ]
    )
    return frozenset(pairs["pair"].unique().to_list())


class ColumnValuesInParentDivision(ColumnMapMetricProvider):
    condition_metric_name = "column_values.in_parent_division"
    condition_value_keys = ("parent_column",)

    @frame_condition_partial()
    def _pandas(cls, column, frame, parent_column, **kwargs):
        inverse, pairs, parents, children = pair_codes(frame[parent_column], column)
        known = division_pairs()
        verdict = np.array(
            [i >= 0 and j >= 0 and f"{parents[i]}{PAIR_SEPARATOR}{children[j]}" in known for i, j in pairs],
            dtype=bool,
        )
        return pd.Series(verdict[inverse], index=column.index)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column, parent_column, **kwargs):
        pair = F.concat(F.col(parent_column), F.lit(PAIR_SEPARATOR), column)
        return F.coalesce(pair.isin(sorted(division_pairs())), F.lit(False))


class ExpectColumnValuesToBeInParentDivision(ColumnMapExpectation):
    """Expect a city (or a district) to lie within the division named in `parent_column` (its
    province, or its city) according to GB/T 2260 (python-stdnum's table): 苏州市 is not in 福建省.
    A row without a parent fails: name the parent's nullity in the row condition to skip those."""

    map_metric = "column_values.in_parent_division"
    parent_column: str
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "parent_column")


def names_agree(keys: pl.Series, names: pl.Series) -> pl.Series:
    """Per row: every name filed under its key agrees with the key's shortest name, i.e. contains it
    (or all are written with the same letters in another order).

    Names are comparable keys (name_key: pinyin, so 张伟 / 張偉 / Zhang Wei agree; company_key: the
    company name without legal form and region, so a short name 华为 agrees with 华为技术). A row
    without a name never makes its key disagree.
    """
    frame = pl.DataFrame({"key": keys, "name": names}).with_row_index("row")
    named = frame.filter(pl.col("name").is_not_null() & (pl.col("name") != ""))
    # Most keys carry one distinct name: compare hashes first, strings only where they differ.
    name_hash = pl.col("name").hash()
    named = named.filter(name_hash.min().over("key") != name_hash.max().over("key"))
    # Letters sorted: a pinyin name in either order agrees (Liu Guojie, Guojie Liu).
    letters = pl.col("name").str.split("").list.sort().list.join("").hash()
    named = named.filter(letters.min().over("key") != letters.max().over("key"))
    shortest = pl.col("name").sort_by(pl.col("name").str.len_chars()).first().over("key")
    verdict = named.select("row", agree=pl.col("name").str.contains(shortest, literal=True).all().over("key"))
    disagree = verdict.filter(~pl.col("agree"))["row"]
    return ~frame["row"].is_in(disagree.implode())


class ColumnValuesOneNamePerKey(ColumnMapMetricProvider):
    condition_metric_name = "column_values.one_name_per_key"
    condition_value_keys = ("name_column",)

    @frame_condition_partial()
    def _pandas(cls, column, frame, name_column, **kwargs):
        pair = pl.from_pandas(
            pd.DataFrame({"key": column, "name": frame[name_column]}).reset_index(drop=True)
        ).with_columns(pl.all().cast(pl.String))
        return pd.Series(names_agree(pair["key"], pair["name"]).to_numpy(), index=column.index)

    @column_condition_partial(
        engine=SparkDFExecutionEngine, partial_fn_type=MetricPartialFunctionTypes.WINDOW_CONDITION_FN
    )
    def _spark(cls, column, name_column, **kwargs):
        """names_agree over a window on the key: a named row fails when its key holds names that
        differ (also in their sorted letters) and not all of them contain the shortest."""
        name = F.col(name_column)
        named = name.isNotNull() & (name != "")
        names = F.collect_set(F.when(named, name)).over(Window.partitionBy(column))
        shortest = F.array_min(F.transform(names, lambda n: F.struct(F.length(n).alias("n"), n.alias("v"))))
        letters = F.array_distinct(
            F.transform(names, lambda n: F.array_join(F.array_sort(F.split(n, "")), ""))
        )
        contain = F.forall(names, lambda n: F.instr(n, shortest["v"]) > 0)
        disagree = (F.size(names) > 1) & (F.size(letters) > 1) & ~contain
        return ~(named & disagree)


class ExpectColumnValuesToHaveOneNamePerKey(ColumnMapExpectation):
    """Expect every record sharing a key in `column` (a resident ID, a credit code) to carry the same
    name in `name_column` (a comparable name key), tolerating pinyin (either order), traditional
    characters and short company names. All records of a key whose names disagree fail."""

    map_metric = "column_values.one_name_per_key"
    name_column: str
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "name_column")


class ColumnValuesOneFilledAmong(ColumnMapMetricProvider):
    condition_metric_name = "column_values.one_filled_among"
    condition_value_keys = ("other_columns",)
    filter_column_isnull = False

    @frame_condition_partial(filter_column_isnull=False)
    def _pandas(cls, column, frame, other_columns, **kwargs):
        return column.notna() | frame[list(other_columns)].notna().any(axis=1)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column, other_columns, **kwargs):
        filled = column.isNotNull()
        for other in other_columns:
            filled = filled | F.col(other).isNotNull()
        return filled


class ExpectColumnValuesToHaveOneFilledAmong(ColumnMapExpectation):
    """Expect `column` or one of `other_columns` to be filled (e.g. one contact channel of mobile,
    phone, e-mail). A column-map expectation reading the other columns from the domain frame, not
    a multicolumn one: GX 1.24 counts a multicolumn expectation's rows and failures without its row
    condition, so a source skipping the rule (`[sources.rules] skip`) made GX raise."""

    map_metric = "column_values.one_filled_among"
    other_columns: list[str]
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "other_columns")

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None):
        """Every row of the domain is judged, null `column` included (as GX's not-null expectation
        does): the judged count is the domain's row count, not its non-null count."""
        result_format = parse_result_format(
            self._get_result_format(runtime_configuration=runtime_configuration)
        )
        total = metrics.get("table.row_count")
        unexpected = metrics.get(
            f"{self.map_metric}.{SummarizationMetricNameSuffixes.UNEXPECTED_COUNT.value}"
        )
        mostly = self._get_success_kwargs().get("mostly")
        success = not total or (total - unexpected) / total >= mostly
        return _format_map_output(
            result_format=result_format,
            success=success,
            element_count=total,
            nonnull_count=None,
            unexpected_count=unexpected,
            unexpected_list=metrics.get(
                f"{self.map_metric}.{SummarizationMetricNameSuffixes.UNEXPECTED_VALUES.value}"
            ),
            unexpected_index_list=metrics.get(
                f"{self.map_metric}.{SummarizationMetricNameSuffixes.UNEXPECTED_INDEX_LIST.value}"
            ),
            unexpected_index_column_names=result_format.get("unexpected_index_column_names"),
        )
