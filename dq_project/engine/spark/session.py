"""One SparkSession per process, configured for dq: Splink's similarity jar, the lake's warehouse
and checkpoint directories, small shuffles in local mode, and the workers on this Python.

Why these settings: without Splink's jar Spark fails with UNRESOLVED_ROUTINE JARO_WINKLER, and it
must be set before the first session starts; Splink breaks lineage by checkpoint (its `persist`
mode ran out of broadcast memory in clustering); local workers otherwise start the system python3,
which has no polars; GB18030 input needs Spark's legacy charsets. `[engine] options` override all.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

from dq_project.settings import EngineSettings


class SparkUnavailableError(RuntimeError):
    """pyspark or Java is missing: the message says what to install."""


INSTALL_HINT = (
    "the Spark engine needs pyspark (pip install 'dq[spark]') and a Java 17+ runtime "
    "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless; or set JAVA_HOME)"
)


def spark_missing() -> str | None:
    """Why Spark cannot start here (None: it can)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return f"pyspark is not installed: {INSTALL_HINT}"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and shutil.which("java") is None:
        return f"no java on PATH and no JAVA_HOME: {INSTALL_HINT}"
    return None


def _defaults(master: str, lake: str) -> dict[str, str]:
    from splink.backends.spark import similarity_jar_location

    local = master.startswith("local")
    options = {
        "spark.jars": similarity_jar_location(),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.legacy.javaCharsets": "true",
        "spark.sql.warehouse.dir": f"{lake}/_spark_warehouse",
        "spark.dq.exchange.dir": f"{lake}/_spark_exchange",  # exchange.py: frames via Parquet
        "spark.checkpoint.dir": f"{lake}/_spark_checkpoints",  # a Connect client cannot call setCheckpointDir
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.ui.showConsoleProgress": "false",
    }
    if local:  # the default of 200 makes every Splink step hundreds of tiny tasks on one machine
        options |= {
            "spark.sql.shuffle.partitions": "8",
            "spark.default.parallelism": "4",
            "spark.ui.enabled": "false",
            "spark.driver.memory": "3g",
            "spark.local.dir": f"{lake}/_spark_local",
        }
    return options


def is_connect(spark: SparkSession) -> bool:
    """A Spark Connect client session (`sc://` master, or `spark.api.mode = "connect"`, which in
    PySpark 4 starts a local Connect server): no SparkContext on this side."""
    return type(spark).__module__.startswith("pyspark.sql.connect")


def start_session(engine: EngineSettings, lake: str) -> SparkSession:
    """Start (or reuse) the process's SparkSession for `engine` (master, options) and `lake`."""
    reason = spark_missing()
    if reason:
        raise SparkUnavailableError(reason)
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    options = _defaults(engine.master, lake) | {k: str(v) for k, v in engine.options.items()}
    if engine.master.startswith("sc://"):
        builder = SparkSession.builder.remote(engine.master)
        options = {k: v for k, v in options.items() if k not in ("spark.jars", "spark.driver.memory")}
    else:
        builder = SparkSession.builder.master(engine.master)
    builder = builder.appName("dq")
    for key, value in options.items():
        builder = builder.config(key, value)
    with warnings.catch_warnings():  # a Connect client re-sends the server's start-up options as
        warnings.filterwarnings("ignore", "Failed to set spark", UserWarning)  # session options: noise
        spark = builder.getOrCreate()
    if not is_connect(spark):  # classic: the driver's context is ours to tune
        spark.sparkContext.setLogLevel("ERROR")
        spark.sparkContext.setCheckpointDir(f"{lake}/_spark_checkpoints")
    return spark
