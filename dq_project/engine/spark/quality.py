"""The rule suite on GX's Spark execution engine: the same suite (build_suite), dq's custom
expectations through their Spark metric providers (the `_spark` methods in
dq_project/expectations/custom), the same result rows.

GX counts on Spark; dq's vectorized row filter still names the failing rows from the same frame and
must count exactly what GX counted, or the run raises, as on DuckDB: so each engine checks the
other's providers on every run. Expectations the filter does not know get their failing rows from
GX's COMPLETE result on Spark, keyed by record_key.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from pyspark.sql import DataFrame, SparkSession

from dq_project.engine.spark.exchange import Exchange
from dq_project.expectations.runner import (
    FAILURE_SCHEMA,
    KEY,
    RESULT_SCHEMA,
    RuleRun,
    _gx_columns,
    build_suite,
    checked_run,
    filter_masks,
    prepare,
    quiet_gx,
    rule_counts,
    whole_frame_batch,
)
from dq_project.expectations.suite import Rule, suite_parameters


def validate(frame: DataFrame, rules: list[Rule], parameters: dict, result_format: dict | str = "BASIC"):
    """One GX validation of the Spark `frame` against the suite of `rules` (nothing is stored)."""
    with quiet_gx():
        return whole_frame_batch(frame, "spark").validate(
            build_suite(rules), result_format=result_format, expectation_parameters=parameters
        )


def spark_frame(files: Exchange, df: pl.DataFrame, rules: list[Rule]) -> DataFrame:
    """The columns GX reads, as a cached Spark frame (GX runs one Spark job per metric). It goes to
    Spark as a Parquet file (exchange.py), so the cache is Spark's, which spills to disk, not a copy
    of the rows pinned on the driver's heap."""
    columns, _ = _gx_columns(rules, df.columns)
    return files.to_spark(df.select(columns), "gx_input").cache()


def run_rules(
    spark: SparkSession, df: pl.DataFrame, rules: list[Rule], as_of: dt.date | None = None
) -> RuleRun:
    """dq_project.expectations.runner.run_rules with GX on Spark: same results and failures."""
    if not rules:
        return RuleRun(pl.DataFrame(schema=RESULT_SCHEMA), pl.DataFrame(schema=FAILURE_SCHEMA))
    df = prepare(df)
    parameters = suite_parameters(rules, as_of or dt.date.today())
    files = Exchange(spark)
    frame = spark_frame(files, df, rules)
    try:
        validation = validate(frame, rules, parameters)
        counts = rule_counts(validation, rules)
        masks = filter_masks(df, rules, parameters)
        unknown = [rule for rule in rules if masks[rule.id] is None]
        if unknown:
            complete = {"result_format": "COMPLETE", "unexpected_index_column_names": [KEY]}
            for result in validate(frame, unknown, parameters, complete).results:
                keys = [row[KEY] for row in result.result.get("unexpected_index_list") or []]
                masks[result.expectation_config.meta["rule_id"]] = df[KEY].is_in(
                    pl.Series(keys, dtype=pl.String).implode()
                )
    finally:
        frame.unpersist()
        files.close()
    return checked_run(df, rules, counts, masks, validation, counter="GX on Spark")
