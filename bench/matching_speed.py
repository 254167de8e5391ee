"""Matching speed: plain Splink 5 (tutorial-style settings) and dq on the same generated persons.

python -m bench matching_speed --rows 1000000

Every step runs in its own process, so its peak memory (max RSS) is its own. Day 1 holds 99% of the
records, day 2 adds the other 1%. Steps: plain Splink training (prior, u by sampling 1e7 pairs, EM
twice); plain Splink predict + cluster; dq retraining (features + training); dq's daily run on day 1
with the saved model (features, predict, cluster, constraints, stable IDs, pairs / clusters / review
queue written to the warehouse; then golden records); dq on day 2 incrementally, then in full, and
how far the two agree. Targets (issue 5): daily <= 1.5x plain predict + cluster, retrain <= 1.5x
plain training, peak < 8 GB, incremental (+1%) < 10% of the full run.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from pathlib import Path

import duckdb
import polars as pl
import splink.comparison_library as cl
from dq_generator.accuracy import stage_generated
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from dq_project.golden.survivorship import build_golden_incrementally
from dq_project.matching.evaluation import pairwise_score
from dq_project.matching.model import train_model_with_labels
from dq_project.matching.model_meta import save_meta
from dq_project.matching.resolve import model_path
from dq_project.matching.snapshot import link_snapshot
from dq_project.settings import PROJECT_ROOT, MatchingSettings, load_settings
from dq_project.stewardship.decisions import ensure_tables
from dq_project.warehouse.resource import connect_warehouse

DAY1, DAY2 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
CONFIG = PROJECT_ROOT / "dq.toml"
PLAIN_RULES = [("id_number",), ("mobile",), ("email",), ("name", "birth_date"), ("name", "city"),
               ("birth_date", "district")]  # fmt: skip


def stage_persons(rows: int, workdir: Path) -> Path:
    """`rows` staged person records (generated, mapped, normalized) as Parquet; a second generated
    snapshot (keys suffixed with its seed) tops up when the first holds too few persons."""
    sources = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["sources"]
    persons, missing, share, seed = [], rows, 1.0, 1
    while missing > 0:
        size = int(missing / share * 1.05) + 10
        staged, _ = stage_generated(size, seed, workdir / f"g{seed}", sources, DAY1)
        found = staged.filter(pl.col("customer_type") == "person")
        if seed > 1:
            found = found.with_columns(pl.col("record_key", "source_record_id") + f"#{seed}")
        persons.append(found)
        share, missing, seed = found.height / staged.height, missing - found.height, seed + 1
    path = workdir / "persons.parquet"
    pl.concat(persons, how="diagonal_relaxed").head(rows).sort("record_key").write_parquet(path)
    return path


def _plain_frame(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path).select(
        pl.col("record_key").alias("unique_id"),
        "name", "birth_date", "id_number", "mobile", "email", "city", "district", "address",
    )  # fmt: skip


def _plain_linker(frame: pl.DataFrame, settings: SettingsCreator | str) -> Linker:
    db_api = DuckDBAPI(connection=duckdb.connect())
    return Linker(db_api.register(frame.to_arrow(), dataset_display_name="persons"), settings, log_level=None)


def plain_train(path: Path, workdir: Path) -> dict:
    """Plain Splink training as its tutorials do it; the model is saved for plain_predict."""
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("id_number"),
            cl.NameComparison("name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.EmailComparison("email"),
            cl.ExactMatch("mobile"),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
        ],
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in PLAIN_RULES],
    )
    linker = _plain_linker(_plain_frame(path), settings)
    started = time.perf_counter()
    training = linker.training
    training.estimate_probability_two_random_records_match([block_on("id_number")], recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    training.estimate_parameters_using_expectation_maximisation(block_on("name", "birth_date"))
    training.estimate_parameters_using_expectation_maximisation(block_on("id_number"))
    seconds = time.perf_counter() - started
    linker.misc.save_model_to_json(str(workdir / "plain_model.json"), overwrite=True)
    return {"train": seconds}


def plain_predict(path: Path, workdir: Path) -> dict:
    """Plain Splink predict and cluster (at 0.95) with the saved model."""
    linker = _plain_linker(_plain_frame(path), str(workdir / "plain_model.json"))
    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.3)
    predicted = time.perf_counter()
    linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    clustered = time.perf_counter()
    pairs = predictions.as_duckdbpyrelation().shape[0]
    return {"predict": predicted - started, "cluster": clustered - predicted, "pairs": pairs}


def dq_train(path: Path, workdir: Path) -> dict:
    """dq's retraining (`dq model train`): features and training of the person model."""
    records = pl.read_parquet(path)
    started = time.perf_counter()
    trained = train_model_with_labels(records, "person", MatchingSettings(), None)
    seconds = time.perf_counter() - started
    target = model_path(workdir / "models", "person")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(trained.model), encoding="utf-8")
    save_meta(target, trained.meta)  # the derivation (blocking rules) and thresholds the runs use
    return {"retrain": seconds}


def _load_day(con: duckdb.DuckDBPyConnection, path: Path, day: dt.date, part: str) -> None:
    """Load day 1's records (99%) or day 2's new ones (1%) into staging.customers."""
    columns = {c for (c,) in con.execute("select column_name from (describe staging.customers)").fetchall()}
    frame = pl.read_parquet(path)
    day1 = (pl.col("record_key").hash(5) % 100) != 0
    frame = frame.filter(day1 if part == "day1" else ~day1).with_columns(
        snapshot_date=pl.lit(day), load_id=pl.lit(part), row_number=pl.int_range(1, pl.len() + 1)
    )
    con.register("bench_frame", frame.select(c for c in frame.columns if c in columns).to_arrow())
    con.execute("insert into staging.customers by name select * from bench_frame")
    con.unregister("bench_frame")


def _golden(con: duckdb.DuckDBPyConnection, as_of: str, full: bool) -> None:
    """The golden asset's work (golden.provenance, golden.customers) for one date: incremental after
    an earlier build unless `full` (as `dq run --full`)."""
    build_golden_incrementally(con, load_settings(CONFIG, env={}), as_of, full=full)


def _dq_run(workdir: Path, day: dt.date, full: bool, load: bool) -> dict:
    """One dq run on the bench warehouse: link (timed), golden records (timed); clusters saved.
    Each step has a connection of its own, as each asset has: closing it checkpoints the step's
    writes (timed with the step); the load stands for the staging assets (not timed)."""
    settings = load_settings(CONFIG, home=workdir, env={})  # with [warehouse] memory_limit
    with closing(connect_warehouse(settings)) as con:
        ensure_tables(con)
        if load:
            _load_day(con, workdir / "persons.parquet", day, "day1" if day == DAY1 else "day2")
    started = time.perf_counter()
    with closing(connect_warehouse(settings)) as con:
        outcome = link_snapshot(con, day.isoformat(), workdir / "models", MatchingSettings(), full=full)
    linked = time.perf_counter()
    with closing(connect_warehouse(settings)) as con:
        _golden(con, day.isoformat(), full)
    golden = time.perf_counter()
    with closing(connect_warehouse(settings, read_only=True)) as con:
        query = "select record_key, cluster_key from matching.clusters where as_of_date = $d"
        frame = con.execute(query, {"d": day}).pl()
    frame.write_parquet(workdir / f"clusters_{day}_{outcome.plan.mode}.parquet")
    plan = outcome.plan
    changed = plan.changed.len() if plan.changed is not None else outcome.records
    return {"link": linked - started, "golden": golden - linked, "mode": plan.mode, "changed": changed}


def dq_daily(path: Path, workdir: Path) -> dict:
    """Day 1 (99% of the records) with the saved model."""
    return _dq_run(workdir, DAY1, full=True, load=True)


def dq_incremental(path: Path, workdir: Path) -> dict:
    """Day 2 adds 1%: incremental."""
    return _dq_run(workdir, DAY2, full=False, load=True)


def dq_full_again(path: Path, workdir: Path) -> dict:
    """Day 2 again, in full; how far the incremental clusters agree with these (pairwise F1)."""
    result = _dq_run(workdir, DAY2, full=True, load=False)
    incremental = pl.read_parquet(workdir / f"clusters_{DAY2}_incremental.parquet")
    full = pl.read_parquet(workdir / f"clusters_{DAY2}_full.parquet")
    score = pairwise_score(incremental, full.rename({"cluster_key": "entity_id"}))
    return {**result, "f1": score.f1, "pairs_full": score.true_pairs}


def _measured(step: Callable[[Path, Path], dict], path: Path, workdir: Path) -> dict:
    """Run a step with its output (DuckDB progress bars, Splink logs) in workdir/<step>.log."""
    log = os.open(workdir / f"{step.__name__}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    result = step(path, workdir)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
    status = Path("/proc/self/status").read_text(encoding="utf-8")
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return {**result, "peak_gb": peak_kb / 1024**2}


def _in_child(step: Callable[[Path, Path], dict], path: Path, workdir: Path) -> dict:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_measured, step, path, workdir).result()


STEPS = [plain_train, plain_predict, dq_train, dq_daily, dq_incremental, dq_full_again]


def main(rows: int, workdir: Path, only: list[str] | None = None) -> None:
    """Run every step (or the steps named in `only`, in their order) and print the table. A kept
    workdir (`--workdir`) keeps the staged persons, the models, the warehouse and each step's
    result, so a later call can re-run single steps against the earlier ones."""
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"matching speed  rows={rows:,}  load average at start={os.getloadavg()}")
    started = time.perf_counter()
    path = workdir / "persons.parquet"
    if not path.exists() or pl.scan_parquet(path).select(pl.len()).collect().item() != rows:
        path = stage_persons(rows, workdir)
    print(f"  staged {pl.scan_parquet(path).select(pl.len()).collect().item():,} persons "
          f"in {time.perf_counter() - started:.0f}s")  # fmt: skip
    results = workdir / "results.json"
    out = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    unknown = set(only or ()) - {step.__name__ for step in STEPS}
    if unknown:
        raise SystemExit(f"unknown steps: {sorted(unknown)}; steps are {[s.__name__ for s in STEPS]}")
    for step in STEPS:
        if only is not None and step.__name__ not in only:
            continue
        if step is dq_daily:
            for stale in workdir.glob("warehouse.duckdb*"):
                stale.unlink()
        out[step.__name__] = _in_child(step, path, workdir)
        results.write_text(json.dumps(out), encoding="utf-8")
        print(f"  {step.__name__:<15} {out[step.__name__]}", flush=True)
    if all(step.__name__ in out for step in STEPS):
        _print_table(out)
    print(f"  load average at end={os.getloadavg()}")


def _print_table(out: dict) -> None:
    plain_pc = out["plain_predict"]["predict"] + out["plain_predict"]["cluster"]
    daily = out["dq_daily"]["link"] + out["dq_daily"]["golden"]
    incremental = out["dq_incremental"]["link"] + out["dq_incremental"]["golden"]
    full = out["dq_full_again"]["link"] + out["dq_full_again"]["golden"]
    peak = max(o["peak_gb"] for o in out.values())
    rows = [
        ("plain Splink train", out["plain_train"]["train"], "", ""),
        ("plain Splink predict + cluster", plain_pc, "", ""),
        ("dq retrain", out["dq_train"]["retrain"], "<= 1.5x plain train",
         f"{out['dq_train']['retrain'] / out['plain_train']['train']:.2f}x"),
        ("dq daily: link", out["dq_daily"]["link"], "", ""),
        ("dq daily: golden", out["dq_daily"]["golden"], "", ""),
        ("dq daily full: link+golden", daily, "<= 1.5x plain predict + cluster", f"{daily / plain_pc:.2f}x"),
        ("dq day 2 incremental (+1%)", incremental, "< 10% of full", f"{incremental / full:.1%}"),
        ("  the same, against plain Splink", incremental, "(a daily run on a new snapshot)",
         f"{incremental / plain_pc:.2f}x plain predict + cluster"),
        ("dq day 2 full", full, "", ""),
        ("peak memory (GB, max of steps)", peak, "< 8", f"{peak:.1f}"),
    ]  # fmt: skip
    print(f"\n  {'step':<34} {'seconds':>8}  {'target':<32} {'measured'}")
    for name, value, target, measured in rows:
        print(f"  {name:<34} {value:8.1f}  {target:<32} {measured}")
    f1 = out["dq_full_again"]["f1"]
    print(f"  incremental vs full on day 2: pairwise F1 of the clusterings = {f1:.5f}")
