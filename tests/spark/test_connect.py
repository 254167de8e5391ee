"""Spark Connect, tried locally: `[engine] options = {"spark.api.mode" = "connect"}` with a local
master makes PySpark 4 start a Spark Connect server in-process and hand dq a Connect client session.

Each check runs in its own Python process: a process that already holds a classic SparkContext (the
other Spark tests) would reuse it and never start the Connect server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dq_project.settings import PROJECT_ROOT

PIECES = r"""
import json, sys
import polars as pl
from dq_project.settings import EngineSettings
from dq_project.engine.spark.exchange import exchange
from dq_project.engine.spark.session import is_connect, start_session
from splink.backends.spark import SparkAPI

lake = sys.argv[1]
options = {"spark.api.mode": "connect", "spark.driver.memory": "1g", "spark.sql.shuffle.partitions": 2}
spark = start_session(EngineSettings(kind="spark", master="local[1]", options=options), lake)
SparkAPI(spark_session=spark, break_lineage_method="checkpoint")  # registers the jar's UDFs
frame = pl.DataFrame({"record_key": ["a", "b", "c"], "name": ["Robinson", "Robrison", None]})
with exchange(spark) as files:
    sdf = files.to_spark(frame, "records").selectExpr(
        "record_key", "name", "jaro_winkler(name, 'Robinson') as jw"
    ).checkpoint()
    back = files.to_polars(sdf, "back").sort("record_key")
print(json.dumps({
    "connect": is_connect(spark),
    "same_rows": back.select("record_key", "name").equals(frame),
    "jw": back["jw"].to_list(),
}), flush=True)
spark.stop()
"""


def _python(code: str, *args: str, env: dict | None = None, timeout: int = 600) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
        timeout=timeout, env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_engine_pieces_run_on_a_local_connect_server(tmp_path):
    out = json.loads(_python(PIECES, str(tmp_path / "lake")))
    assert out["connect"] is True  # a Connect client, not a classic session
    assert out["same_rows"] is True  # Polars -> Parquet -> Spark -> Parquet -> Polars, unchanged
    assert out["jw"][0] == pytest.approx(1.0)  # Splink's jar UDFs registered through Connect
    assert out["jw"][1] == pytest.approx(0.8917, abs=1e-3)  # the Scala Jaro-Winkler, not DuckDB's
    assert any((tmp_path / "lake" / "_spark_checkpoints").rglob("*")), "spark.checkpoint.dir was not used"


@pytest.mark.slow
def test_fake_1000_pipeline_on_connect_agrees_with_duckdb(tmp_path):
    """The whole day (mapInArrow staging, GX on Spark, Splink on Spark) through Connect."""
    code = (
        "import json, sys; from pathlib import Path; from bench.spark_foreign import compare; "
        "r = compare('fake_1000', Path(sys.argv[1])); "
        "print(json.dumps({'agreement': r['agreement'], 'together': r['together_spark']}))"
    )
    env = {"DQ_BENCH_SPARK_OPTIONS": '"spark.api.mode" = "connect"', "DQ_BENCH_SPARK_HEAP": "2g"}
    out = json.loads(_python(code, str(tmp_path), env=env, timeout=1800))
    assert out["agreement"] >= 0.999
    assert out["together"] > 500
