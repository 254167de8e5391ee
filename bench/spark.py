"""The daily pipeline on both engines over the same generated snapshot: step times side by side.

python -m bench spark --rows 20000

DuckDB runs first (it trains and saves the models); Spark (local[2] by default, or --master) runs
next with a copy of those models, so both score with the same saved model. Prints each Dagster
step's wall time per engine, the Spark engine's own split (staging, GX, Splink on Spark), the
pairwise agreement of the two clusterings and the peak memory of Python and the Spark JVM.
Nobody expects Spark to win on one machine: this measures its overhead and how it grows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import shutil
import time
from pathlib import Path

import dagster as dg
import polars as pl
from dq_generator import generate

from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

DAY = dt.date(2026, 11, 20)


HEAP = os.environ.get("DQ_BENCH_SPARK_HEAP", "4g")
PARTITIONS = int(os.environ.get("DQ_BENCH_SPARK_PARTITIONS", "8"))
SAVED_MODELS = os.environ.get("DQ_BENCH_SPARK_MODELS")  # a models dir: skip the DuckDB run
EXTRA = os.environ.get("DQ_BENCH_SPARK_OPTIONS", "")  # more TOML inline-table entries, e.g. '"k" = "v"'


def _config(kind: str, master: str, partitions: int, gc_log: Path | None = None) -> str:
    text = (PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8")
    if kind == "duckdb":
        return text
    entries = [f'"spark.sql.shuffle.partitions" = {partitions}', f'"spark.driver.memory" = "{HEAP}"']
    if gc_log is not None:  # the live heap after each collection: what the data really needs
        entries.append(f'"spark.driver.extraJavaOptions" = "-Xlog:gc:file={gc_log}"')
    if EXTRA:
        entries.append(EXTRA)
    options = "{" + ", ".join(entries) + "}"
    return f'{text}\n[engine]\nkind = "spark"\nmaster = "{master}"\noptions = {options}\n'


def _run(workdir: Path, landing: Path, kind: str, master: str, partitions: int, models: Path | None):
    home = workdir / kind / "home"
    shutil.copytree(landing, home / "landing")
    if models is not None:
        shutil.copytree(models, home / "models")
    config = workdir / kind / "dq.toml"
    config.write_text(_config(kind, master, partitions, workdir / "gc.log"), encoding="utf-8")
    warehouse = WarehouseResource(config_path=str(config), home=str(home))
    instance = dg.DagsterInstance.ephemeral()
    started = time.perf_counter()
    result = run_daily(warehouse, DAY, instance=instance, log_level="WARNING")
    total = time.perf_counter() - started
    steps = {s.step_key: s.end_time - s.start_time for s in instance.get_run_step_stats(result.run_id)}
    con = connect_warehouse(warehouse.settings(), read_only=True)
    clusters = con.sql("select record_key, cluster_key from matching.clusters order by record_key").pl()
    con.close()
    return result.success, total, steps, clusters, home


def _together(clusters: pl.DataFrame) -> set[tuple[str, str]]:
    joined = clusters.join(clusters, on="cluster_key").filter(
        pl.col("record_key") < pl.col("record_key_right")
    )
    return set(joined.select("record_key", "record_key_right").iter_rows())


def _jvm_peak_mb() -> float:
    """Peak resident memory (VmHWM) of this process's child processes (the Spark JVM)."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(os.getpid()) and "VmHWM" in fields:
            peak = max(peak, int(fields["VmHWM"].split()[0]))
    return peak / 1024


def _live_heap_mb(gc_log: Path) -> float:
    """The largest heap left after a collection in the JVM's GC log (`... 900M->300M(4096M) ...`)."""
    if not gc_log.exists():
        return 0.0
    after = re.findall(r"->(\d+)M\(", gc_log.read_text())
    return max((float(m) for m in after), default=0.0)


def _uptime() -> str:
    """The load averages (1, 5, 15 min): timings on this shared machine mean little without them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(rows: int, workdir: Path, master: str = "local[2]", partitions: int = PARTITIONS) -> None:
    landing = workdir / "landing"
    if not (workdir / "landing.complete").exists():  # a re-run in the same workdir reuses it
        generate(rows, 1, landing, DAY)
        (workdir / "landing.complete").touch()
    print(f"load before duckdb: {_uptime()}", flush=True)
    if SAVED_MODELS:  # Spark only, scoring with models saved by an earlier DuckDB run
        duck = (True, 0.0, {}, pl.DataFrame(schema={"record_key": pl.String, "cluster_key": pl.String}), None)
        models = Path(SAVED_MODELS)
    else:
        duck = _run(workdir, landing, "duckdb", master, partitions, None)
        models = duck[4] / "models"
    duck_python_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"duckdb done in {duck[1]:.1f}s (python peak {duck_python_mb:,.0f} MB); load {_uptime()}", flush=True
    )
    spark = _run(workdir, landing, "spark", master, partitions, models)
    from dq_project.engine.spark.engine import _ENGINES

    print(f"spark bench  rows={rows:,}  master={master}  shuffle.partitions={partitions}  heap={HEAP}  "
          f"load after: {_uptime()}")  # fmt: skip
    print(f"  {'step':<28}{'duckdb':>10}{'spark':>10}")
    for step in sorted(
        set(duck[2]) | set(spark[2]), key=lambda s: list(duck[2]).index(s) if s in duck[2] else 99
    ):
        print(f"  {step:<28}{duck[2].get(step, 0):>9.1f}s{spark[2].get(step, 0):>9.1f}s")
    print(
        f"  {'total (incl. Spark start)':<28}{duck[1]:>9.1f}s{spark[1]:>9.1f}s  success={duck[0]}/{spark[0]}"
    )
    for engine in _ENGINES.values():
        print("  spark engine split: " + ", ".join(f"{k} {v:.1f}s" for k, v in engine.timings.items()))
    if not SAVED_MODELS:  # agreement needs the DuckDB run's clusters
        a, b = _together(duck[3]), _together(spark[3])
        n = duck[3].height * (duck[3].height - 1) // 2
        print(f"  clusters: pairs together duckdb={len(a):,} spark={len(b):,} differ={len(a ^ b):,} "
              f"pairwise agreement={1 - len(a ^ b) / n:.6f}")  # fmt: skip
    else:
        print(f"  clusters: pairs together spark={len(_together(spark[3])):,} (no duckdb run)")
    python_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    live = _live_heap_mb(workdir / "gc.log")
    print(f"  peak memory: python {python_mb:,.0f} MB (after duckdb {duck_python_mb:,.0f} MB), "
          f"spark jvm rss {_jvm_peak_mb():,.0f} MB, jvm live heap after gc {live:,.0f} MB")  # fmt: skip
