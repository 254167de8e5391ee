"""Every comparison level dq builds for Spark resolves in Spark's analyzer (Splink's jar UDFs
registered), against an empty table of the model's columns: a level DuckDB-only SQL slipped into
fails here, not in the middle of a run."""

from __future__ import annotations

import re

import pytest

from dq_project.matching.comparisons import comparison_dialect
from dq_project.matching.model import model_settings

ARRAYS = ("name_tokens",)
DATES = ("birth_date",)


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from splink.backends.spark import SparkAPI

    from dq_project.engine.spark.session import start_session
    from dq_project.settings import EngineSettings

    lake = tmp_path_factory.mktemp("lake")
    session = start_session(EngineSettings(kind="spark", master="local[2]"), str(lake))
    SparkAPI(spark_session=session)  # registers jaro_winkler, damerau_levenshtein, ...
    return session


@pytest.mark.parametrize("customer_type", ["person", "company"])
def test_every_spark_level_resolves(spark, customer_type):
    from pyspark.sql.types import ArrayType, DateType, StringType, StructField, StructType

    with comparison_dialect("spark"):
        settings = model_settings(customer_type).create_settings_dict("spark")
    levels = [
        (c["output_column_name"], lv["sql_condition"])
        for c in settings["comparisons"]
        for lv in c["comparison_levels"]
        if lv["sql_condition"].strip().upper() != "ELSE"
    ]
    columns = sorted({m for _, sql in levels for m in re.findall(r"`(\w+_[lr])`", sql)})
    assert columns

    def kind(column: str):
        base = column[:-2]
        return ArrayType(StringType()) if base in ARRAYS else DateType() if base in DATES else StringType()

    spark.createDataFrame([], StructType([StructField(c, kind(c)) for c in columns])).createOrReplaceTempView(
        "t"
    )
    failed = []
    for name, sql in levels:
        try:
            assert spark.sql(f"select case when {sql} then 1 end from t").schema
        except Exception as exc:  # noqa: BLE001 (collect every level that fails, with Spark's reason)
            failed.append((name, sql[:80], str(exc).splitlines()[0][:160]))
    assert not failed
