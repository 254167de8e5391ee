"""Spark tests: skipped, with what to install, where pyspark or Java is missing.

One pipeline run per engine on the same landed input, shared by a module's tests (engine_runs.py;
a SparkSession starts once per process; local[2] and small shuffles)."""

from __future__ import annotations

import pytest

from dq_project.engine.spark.session import spark_missing


def pytest_collection_modifyitems(config, items):
    reason = spark_missing()
    if reason:
        skip = pytest.mark.skip(reason=f"Spark tests skipped: {reason}")
        for item in items:
            if "tests/spark" in str(item.fspath):
                item.add_marker(skip)
