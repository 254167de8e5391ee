"""Validation benchmark: recall per planted defect kind, valid fields flagged, and GX against one query.

python -m bench validation --rows 1000000

1. accuracy: per planted defect kind and field, how many the normalizer/rules found (recall) and
   how many clean fields they flagged; then the rate of valid fields flagged by any rule;
2. speed: run_rules (GX evaluating the suite file, dq's row filter, failure rows) against one DuckDB
   query computing the same per-rule failed counts over the same staged frame; the counts must agree.
   The query is built from bench/validation_counts.sql (bound parameters, no GX).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import tomllib
from pathlib import Path

import duckdb
import polars as pl
from dq_generator.accuracy import accuracy, false_flag_rate, stage_generated

from dq_project.expectations import load_rules, run_rules, suite_parameters
from dq_project.expectations.custom.content import DIRTY_NAME, DUMMY_MOBILE
from dq_project.expectations.custom.relations import division_pairs
from dq_project.expectations.runner import prepare

DAY = dt.date(2026, 11, 20)
CONFIG = Path(__file__).resolve().parents[1] / "dq.toml"
SQL = Path(__file__).with_name("validation_counts.sql")


def sql_counts(staged: pl.DataFrame, repeat: int) -> tuple[float, dict[str, int]]:
    """Best-of-`repeat` seconds of the one query, and its per-rule failed counts."""
    rules = load_rules()
    parameters = suite_parameters(rules, DAY)
    con = duckdb.connect()
    con.register("staged_arrow", prepare(staged).to_arrow())
    con.execute("create table staged as select * from staged_arrow")
    pairs = sorted(division_pairs())
    con.execute("create table division_pairs as select unnest($p) as pair", {"p": pairs})
    query = SQL.read_text(encoding="utf-8")
    params = {
        "snapshot_date": parameters["snapshot_date"],
        "snapshot_end": parameters["snapshot_end"],
        "earliest_birth": parameters["earliest_birth_date"],
        "stale_before": parameters["stale_before"],
        "dummy": DUMMY_MOBILE,
        "dirty": DIRTY_NAME.replace("\\uff10-\\uff19", "０-９").replace("\\uff20", "＠"),
    }
    seconds, counts = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        counts = con.execute(query, params).pl()
        seconds = min(seconds, time.perf_counter() - started)
    return seconds, {column: int(counts[column][0]) for column in counts.columns}


def speed(staged: pl.DataFrame, repeat: int = 2) -> None:
    """Best-of-`repeat` seconds: run_rules (GX, failures included) and the one SQL query."""
    rules = load_rules()
    gx_seconds, run = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        run = run_rules(staged, rules, DAY)
        gx_seconds = min(gx_seconds, time.perf_counter() - started)
    sql_seconds, counts = sql_counts(staged, repeat)
    gx_counts = dict(run.results.select("rule_id", "failed").iter_rows())
    disagree = {r: (n, counts.get(r)) for r, n in gx_counts.items() if r in counts and n != counts[r]}
    print(f"speed  rows={staged.height:,}  expectations={len(rules)}  failures={run.failures.height:,}")
    print(f"  GX step: run_rules (suite, row filter, failures)  {gx_seconds:6.2f} s")
    print(
        f"  one DuckDB query (same counts)                    {sql_seconds:6.2f} s"
        f"   ratio {gx_seconds / sql_seconds:.1f}x"
    )
    print(f"  rules counted by both: {len(set(gx_counts) & set(counts))} of {len(gx_counts)}")
    print(f"  per-rule failed counts agree: {not disagree}" + (f"  {disagree}" if disagree else ""))


def main(rows: int) -> None:
    """Print the accuracy table, the false-flag rate and the speed comparison for `rows` records."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        sources = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["sources"]
        staged, truth = stage_generated(rows, 1, Path(tmp), sources, DAY)
        print(f"generate+stage  rows={rows:,}  seconds={time.perf_counter() - started:.1f}")
    run = run_rules(staged, load_rules(), DAY)
    with pl.Config(tbl_rows=50, tbl_cols=20, float_precision=4):
        print(accuracy(staged, truth, run.failures))
    flags = false_flag_rate(staged, truth, run.failures)
    print(f"valid fields flagged: {flags['flagged']:,} of {flags['valid']:,} = {flags['rate']:.4%}")
    speed(staged)


if __name__ == "__main__":
    import sys

    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
