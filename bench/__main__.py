"""Benchmarks: generator throughput and the whole pipeline on generated data, with accuracy.

python -m bench generate --rows 1000000
python -m bench pipeline --rows 20000
python -m bench linkage --rows 20000       (FEBRL3, FEBRL4, fake_1000, the generator; dq beside plain Splink)
python -m bench matching_speed --rows 100000   (not part of `all`: 1M rows take ~20 minutes)
python -m bench golden_speed --rows 200000     (not part of `all`)
python -m bench backfill --dates 30 --rows 60000   (not part of `all`; `dq backfill` over daily files)
python -m bench validation_corpus              (rule flags on the export corpus, each listed)
python -m bench spark --rows 20000             (both engines, step times side by side; needs dq[spark] + Java)
python -m bench day --rows 1000000            (issue 25: a full day and a 1% day, three sources; not in `all`)
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import dagster as dg
import polars as pl
from dq_generator import generate

from bench import (
    backfill,
    day,
    encryption,
    golden_speed,
    ingest,
    matching_speed,
    source_check,
    validation,
    validation_corpus,
)
from bench.linkage import main as bench_linkage
from bench.matching import main as bench_matching
from dq_project.matching.evaluation import pairwise_score
from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

DAY = dt.date(2026, 11, 20)


def bench_generate(rows: int, workdir: Path) -> None:
    started = time.perf_counter()
    snapshot = generate(rows, 1, workdir / "landing", DAY)
    elapsed = time.perf_counter() - started
    size = sum(p.stat().st_size for p in snapshot.files.values()) / 1e6
    print(f"generate  rows={rows:,}  seconds={elapsed:.1f}  rows/s={rows / elapsed:,.0f}  MB={size:.0f}")


def bench_pipeline(rows: int, workdir: Path) -> None:
    home = workdir / "home"
    snapshot = generate(rows, 1, home / "landing", DAY)
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home))
    instance = dg.DagsterInstance.ephemeral()
    started = time.perf_counter()
    result = run_daily(warehouse, DAY, instance=instance, log_level="WARNING")
    elapsed = time.perf_counter() - started
    print(f"pipeline  rows={rows:,}  success={result.success}  seconds={elapsed:.1f}")
    for step in instance.get_run_step_stats(result.run_id):
        print(f"  step {step.step_key:<24} {step.end_time - step.start_time:7.1f}s")
    con = connect_warehouse(warehouse.settings(), read_only=True)
    clusters = con.sql("select record_key, cluster_key from matching.clusters").pl()
    ((golden,),) = con.sql("select count(*) from golden.customers").fetchall()
    con.close()
    truth = pl.read_csv(snapshot.truth_dir / "entities.csv", infer_schema=False).with_columns(
        record_key=pl.format("{}:{}", "source", "source_record_id")
    )
    score = pairwise_score(clusters, truth)
    entities = truth["entity_id"].n_unique()
    print(f"  pairwise precision={score.precision:.4f} recall={score.recall:.4f} f1={score.f1:.4f}")
    error = (golden - entities) / entities
    print(f"  golden records={golden:,}  true entities={entities:,}  error={error:+.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "what",
        choices=[
            "generate",
            "ingest",
            "validation",
            "pipeline",
            "matching",
            "linkage",
            "encryption",
            "matching_speed",
            "golden_speed",
            "backfill",
            "source_check",
            "validation_corpus",
            "spark",
            "day",
            "all",
        ],
        nargs="?",
        default="all",
    )
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--dates", type=int, default=30, help="backfill only: daily snapshots to land")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep files here (default: a temporary folder)"
    )
    parser.add_argument("--steps", default=None, help="matching_speed only: comma-separated steps to run")
    parser.add_argument(
        "--folder",
        type=Path,
        default=None,
        help="source_check only: a corpus folder (default: the export corpus)",
    )
    parser.add_argument("--save", type=Path, default=None, help="day only: write the tables as JSON")
    parser.add_argument(
        "--compare", type=Path, default=None, help="day only: print beside a saved (before) JSON"
    )
    parser.add_argument(
        "--full-only", action="store_true", help="day only: stop after the full day (2M / 4M scaling runs)"
    )
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        if args.what in ("generate", "all"):
            bench_generate(args.rows or 1_000_000, Path(tmp) / "g")
        if args.what in ("ingest", "all"):
            ingest.main(args.rows or 1_000_000, Path(tmp) / "i")
        if args.what in ("validation", "all"):
            validation.main(args.rows or 1_000_000)
        if args.what in ("pipeline", "all"):
            bench_pipeline(args.rows or 20_000, Path(tmp) / "p")
        if args.what in ("matching", "all"):
            bench_matching(args.rows or 20_000)
        if args.what in ("linkage", "all"):
            bench_linkage(args.rows or 20_000)
        if args.what in ("encryption", "all"):
            encryption.main(args.rows or 20_000, Path(tmp) / "e")
        if args.what == "matching_speed":
            steps = args.steps.split(",") if args.steps else None
            matching_speed.main(args.rows or 1_000_000, (args.workdir or Path(tmp)) / "s", steps)
        if args.what in ("source_check", "all"):
            source_check.main(args.folder)
        if args.what in ("validation_corpus", "all"):
            validation_corpus.main()
        if args.what == "backfill":
            backfill.main(args.dates, args.rows or 60_000, (args.workdir or Path(tmp)) / "b")
        if args.what == "spark":  # imports only here: pyspark is an optional extra
            from bench import spark

            spark.main(args.rows or 20_000, (args.workdir or Path(tmp)) / "spark")
        if args.what == "day":
            folder = (args.workdir or Path(tmp)) / "day"
            day.main(args.rows or 200_000, folder, args.save, args.compare, args.full_only)
        if args.what == "golden_speed":
            golden_speed.main(args.rows or 200_000, Path(tmp) / "gs")


if __name__ == "__main__":
    main()
