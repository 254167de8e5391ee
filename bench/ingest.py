"""Ingest benchmark: dq's raw load of a 1M-row CSV vs DuckDB's own read_csv into a table, same run."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import duckdb
from dq_generator import generate

from dq_project.settings import PROJECT_ROOT, load_settings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.warehouse.resource import open_warehouse

DAY = dt.date(2026, 11, 20)


def _duckdb_baseline(path: Path, db: Path) -> float:
    con = duckdb.connect(str(db))
    started = time.perf_counter()
    con.execute("create or replace table t as select * from read_csv(?, all_varchar = true)", [str(path)])
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def _dq_load(path: Path, home: Path) -> tuple[float, int]:
    settings = load_settings(PROJECT_ROOT / "dq.toml", home=home, env={})
    con = open_warehouse(settings.warehouse_path)
    started = time.perf_counter()
    outcome = load_file(con, settings.source("crm"), LandedFile("crm", path, DAY))
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed, outcome.rows_loaded + outcome.rows_quarantined


def main(rows: int, workdir: Path, repeats: int = 3) -> None:
    snapshot = generate(rows * 2, 1, workdir / "landing", DAY)  # ~half the rows land in crm
    path = snapshot.files["crm"]
    size = path.stat().st_size / 1e6
    baseline, ours = [], []
    for attempt in range(repeats):
        baseline.append(_duckdb_baseline(path, workdir / f"baseline{attempt}.duckdb"))
        elapsed, count = _dq_load(path, workdir / f"home{attempt}")
        ours.append(elapsed)
    print(f"ingest  file={path.name}  rows={count:,}  MB={size:.0f}  (best of {repeats})")
    print(f"  duckdb read_csv into a table: {min(baseline):6.2f}s")
    ratio = min(ours) / min(baseline)
    print(f"  dq load into raw (+hash, rejects, load log): {min(ours):6.2f}s  ratio={ratio:.2f}x")
