"""A whole daily run at scale (issue 25): three sources, ingest, a full day, a 1%-changed day.

python -m bench day --rows 1000000 [--save before.json] [--compare before.json]

Records come from three source systems (crm CSV, erp CSV with BOM, web JSONL; the generator's
`web_share`). Models are trained once on a small sample of their own and copied in, so the day runs
"with models saved". Each phase runs in a spawned process of its own, so its peak memory (VmHWM) is
its own and one phase's caches do not help the next:
- ingest: `load_file` per file, beside DuckDB's own `read_csv` / `read_json` of the same file into a
  table, and the erp file re-encoded to GB18030 beside `read_csv` of its UTF-8 original;
- full day: `run_daily(full_recompute=True)` (every record re-linked), the Dagster step table;
- plain Splink: predict + cluster on the same staged person records (a tutorial model trained on the
  sample), the yardstick the issue names;
- 1% day: the same three files again on the next date with 1% of the rows changed (a full snapshot),
  ingested, then the normal (incremental where it can be) daily run.
`--save` writes the table as JSON, `--compare` prints it beside an earlier one (before / after).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import polars as pl

from bench.day_tables import print_tables
from bench.memory import PeakSampler
from dq_project.settings import PROJECT_ROOT

DAY, DAY2 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
WEB_SHARE = 0.27  # the 270k JSONL rows at 1M
# Models trained on a sample of their own: at least 30k rows, a fifth of the day's. With a 30k-trained
# model, linking 1M records took 449 s in the full day (prof25's 1M run, a 200k-trained model: 39 s).
# Capped at 200k (a fifth of 1M), so a 2M or 4M day uses the same model as a 1M day.
TRAIN_ROWS, TRAIN_SHARE, TRAIN_CAP = 30_000, 0.2, 200_000
WEB_SOURCE = """
[[sources]]
name = "web"
pattern = "*.jsonl"
format = "jsonl"
encoding = "utf-8"
primary_key = "customer_id"
date_order = "YMD"
phone_region = "CN"
trust = 40
[sources.mapping]
"""


def bench_config(workdir: Path) -> Path:
    """dq.toml with its crm and erp sources (not the public sets) plus a [[sources]] block for the
    web JSONL export (crm's English keys)."""
    import tomllib

    head, *blocks = (PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8").split("\n[[sources]]\n")
    kept = [b for b in blocks if tomllib.loads(b)["name"] in ("crm", "erp")]
    text = head + "".join("\n[[sources]]\n" + b for b in kept)
    crm = next(s for s in tomllib.loads(text)["sources"] if s["name"] == "crm")
    mapping = "".join(f'{field} = "{key}"\n' for field, key in crm["mapping"].items())
    path = workdir / "dq.toml"
    path.write_text(text + WEB_SOURCE + mapping, encoding="utf-8")
    return path


def _warehouse(workdir: Path, home: Path):
    from dq_project.warehouse.resource import WarehouseResource

    return WarehouseResource(config_path=str(workdir / "dq.toml"), home=str(home))


def _run(workdir: Path, home: Path, day: dt.date, full: bool) -> dict:
    """One daily run; the step table in seconds."""
    import dagster as dg

    from dq_project.runner import run_daily

    instance = dg.DagsterInstance.ephemeral()
    started = time.perf_counter()
    with PeakSampler() as sampler:
        result = run_daily(_warehouse(workdir, home), day, instance=instance, full_recompute=full,
                           log_level="ERROR")  # fmt: skip
    stats = instance.get_run_step_stats(result.run_id)
    steps = {s.step_key: s.end_time - s.start_time for s in stats}
    peaks = {s.step_key: sampler.peak_gb(s.start_time, s.end_time) for s in stats}
    return {"success": result.success, "whole run": time.perf_counter() - started, **steps,
            "peak_gb": {**peaks, "whole run": sampler.overall_gb()}, "peak_exact": sampler.exact}  # fmt: skip


def train(workdir: Path, rows: int) -> dict:
    """Models (dq's and plain Splink's) trained on a small generated sample, copied to the home."""
    from dq_generator import generate

    from bench.matching_speed import plain_train

    home = workdir / "train"
    sample = min(TRAIN_CAP, max(TRAIN_ROWS, int(rows * TRAIN_SHARE)))
    generate(sample, 2, home / "landing", DAY, web_share=WEB_SHARE)
    out = _run(workdir, home, DAY, full=True)
    shutil.copytree(home / "models", workdir / "home" / "models", dirs_exist_ok=True)
    _persons(workdir, home, DAY, workdir / "train_persons.parquet")
    plain_train(workdir / "train_persons.parquet", workdir)
    return {"success": out["success"]}


def _persons(workdir: Path, home: Path, day: dt.date, path: Path) -> None:
    from dq_project.warehouse.resource import connect_warehouse

    con = connect_warehouse(_warehouse(workdir, home).settings(), read_only=True)
    query = ("select record_key, name, birth_date, id_number, mobile, email, city, district, address "
             "from staging.customers where snapshot_date = $d and customer_type = 'person'")  # fmt: skip
    con.execute(query, {"d": day}).pl().write_parquet(path)
    con.close()


def ingest(workdir: Path, day: dt.date = DAY) -> dict:
    """dq's load of each landed file, beside DuckDB's own read of it; GB18030 beside UTF-8."""
    import duckdb

    from dq_project.sources.ingest import LandedFile, load_file
    from dq_project.warehouse.resource import connect_warehouse

    settings = _warehouse(workdir, workdir / "home").settings()
    out: dict = {}
    files = {s.name: next((settings.landing_dir / s.name).glob(f"*{day}*")) for s in settings.sources}
    gb = workdir / "gb18030" / "landing" / "erp" / f"erp_{day}.csv"
    gb.parent.mkdir(parents=True, exist_ok=True)
    gb.write_bytes(files["erp"].read_text(encoding="utf-8-sig").encode("gb18030"))
    gb_source = settings.source("erp").model_copy(update={"encoding": "gb18030"})
    for name, path, home, source in [
        *((n, p, workdir / "home", settings.source(n)) for n, p in files.items()),
        ("erp gb18030", gb, workdir / "gb18030", gb_source),
    ]:
        reader = "read_json" if path.suffix == ".jsonl" else "read_csv"
        original = files["erp"] if name == "erp gb18030" else path
        base = duckdb.connect(str(workdir / "baseline.duckdb"))
        started = time.perf_counter()
        option = "format = 'newline_delimited'" if reader == "read_json" else "all_varchar = true"
        base.execute(f"create or replace table t as select * from {reader}(?, {option})", [str(original)])
        baseline = time.perf_counter() - started
        base.close()
        (workdir / "baseline.duckdb").unlink()
        ours_settings = _warehouse(workdir, home).settings()
        con = connect_warehouse(ours_settings)
        started = time.perf_counter()
        outcome = load_file(con, source, LandedFile(source.name, path, day))
        ours = time.perf_counter() - started
        con.close()
        out[name] = {"duckdb": baseline, "dq": ours, "rows": outcome.rows_loaded, "reader": reader}
    return out


def full_day(workdir: Path) -> dict:
    out = _run(workdir, workdir / "home", DAY, full=True)
    _persons(workdir, workdir / "home", DAY, workdir / "persons.parquet")
    return out


def plain_splink(workdir: Path) -> dict:
    from bench.matching_speed import plain_predict

    return plain_predict(workdir / "persons.parquet", workdir)


def changed_snapshot(workdir: Path, share: float = 0.01) -> dict:
    """Day 2: every source's file again (a full snapshot), with `share` of its rows changed (an
    address edited and the modification time moved), written in the source's own format."""
    landing = workdir / "home" / "landing"
    changed = 0
    for path in sorted(landing.glob(f"*/*_{DAY}.*")):
        target = path.with_name(path.name.replace(str(DAY), str(DAY2)))
        jsonl = path.suffix == ".jsonl"
        frame = pl.read_ndjson(path) if jsonl else pl.read_csv(path, infer_schema=False)
        key, address = frame.columns[0], frame.columns[14]
        pick = pl.col(key).hash(11) % 10_000 < int(share * 10_000)
        frame = frame.with_columns(
            pl.when(pick).then(pl.col(address) + "附1号").otherwise(address).alias(address)
        )
        changed += frame.select(pick.sum()).item()
        if jsonl:
            frame.write_ndjson(target)
        else:
            frame.write_csv(target, include_bom=path.parent.name == "erp")
    return {"changed": changed}


def changed_day(workdir: Path) -> dict:
    loaded = ingest_day2(workdir)
    return {**_run(workdir, workdir / "home", DAY2, full=False), "ingest": loaded}


def ingest_day2(workdir: Path) -> float:
    from dq_project.sources.ingest import LandedFile, load_file
    from dq_project.warehouse.resource import connect_warehouse

    settings = _warehouse(workdir, workdir / "home").settings()
    con = connect_warehouse(settings)
    started = time.perf_counter()
    for source in settings.sources:
        for path in (settings.landing_dir / source.name).glob(f"*{DAY2}*"):
            load_file(con, source, LandedFile(source.name, path, DAY2))
    con.close()
    return time.perf_counter() - started


def generate_day(workdir: Path, rows: int) -> dict:
    from dq_generator import generate

    snapshot = generate(rows, 1, workdir / "home" / "landing", DAY, web_share=WEB_SHARE)
    return {name: pl.scan_csv(p).select(pl.len()).collect().item() if p.suffix == ".csv"
            else sum(1 for _ in p.open()) for name, p in snapshot.files.items()}  # fmt: skip


def _measured(step: Callable, workdir: Path, *args) -> dict:
    log = os.open(workdir / f"{step.__name__}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 1)
    os.dup2(log, 2)
    result = step(workdir, *args)
    status = Path("/proc/self/status").read_text(encoding="utf-8")
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    # A run's sampler resets VmHWM as it goes (bench.memory): its own maximum is the run's peak.
    sampled = result.get("peak_gb", {}).get("whole run", 0.0) if isinstance(result, dict) else 0.0
    return {"result": result, "peak_gb": max(peak_kb / 1024**2, sampled), "load": os.getloadavg()[0]}


def _in_child(step: Callable, workdir: Path, *args) -> dict:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        out = pool.submit(_measured, step, workdir, *args).result()
    print(f"  {step.__name__:<16} load {out['load']:.1f}  peak {out['peak_gb']:.2f} GB", flush=True)
    return out


def main(
    rows: int, workdir: Path, save: Path | None = None, compare: Path | None = None, full_only: bool = False
) -> dict:
    """Run every phase and print the tables (see the module docstring); `full_only` stops after the
    full day (the 2M / 4M scaling runs: time and memory per step)."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    bench_config(workdir)
    print(f"bench day  rows={rows:,}  load at start {os.getloadavg()[0]:.1f}", flush=True)
    out = {"rows": rows, "files": _in_child(generate_day, workdir, rows)["result"]}
    _in_child(train, workdir, rows)
    out["ingest"] = _in_child(ingest, workdir)["result"]
    full = _in_child(full_day, workdir)
    out["full"], out["full_peak_gb"], out["full_load"] = full["result"], full["peak_gb"], full["load"]
    if save:  # saved after each phase too, so a run cut short keeps what it measured
        save.write_text(json.dumps(out, indent=1), encoding="utf-8")
    if not full_only:
        out["plain"] = _in_child(plain_splink, workdir)["result"]
        out["changed"] = _in_child(changed_snapshot, workdir)["result"]["changed"]
        day2 = _in_child(changed_day, workdir)
        out["day2"], out["day2_peak_gb"], out["day2_load"] = day2["result"], day2["peak_gb"], day2["load"]
    if save:
        save.write_text(json.dumps(out, indent=1), encoding="utf-8")
    before = json.loads(compare.read_text(encoding="utf-8")) if compare else None
    print_tables(out, before)
    return out
