"""What encryption at rest costs: the pipeline on a plain and on an encrypted warehouse, and `dq rekey`.

python -m bench encryption --rows 20000
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import dagster as dg
from dq_generator import generate

from dq_project.governance.rekey import rekey_warehouse
from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import WarehouseResource

DAY = dt.date(2026, 11, 20)
KEY, NEW_KEY = "bench key, sixteen chars or more", "bench rotated key, also long"


def _run(home: Path, config: Path) -> float:
    warehouse = WarehouseResource(config_path=str(config), home=str(home))
    started = time.perf_counter()
    result = run_daily(warehouse, DAY, instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    elapsed = time.perf_counter() - started
    if not result.success:
        raise RuntimeError(f"pipeline failed in {home}")
    return elapsed


def main(rows: int, workdir: Path) -> None:
    landing = workdir / "landing"
    generate(rows, 1, landing, DAY)
    encrypted_config = workdir / "dq_encrypted.toml"
    text = (PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8")
    encrypted_config.write_text(text + "\n[warehouse]\nencrypted = true\n", encoding="utf-8")
    timings = {}
    for name, config in (("plain", PROJECT_ROOT / "dq.toml"), ("encrypted", encrypted_config)):
        home = workdir / name
        shutil.copytree(landing, home / "landing")
        if name == "encrypted":
            os.environ["DQ_WAREHOUSE_KEY"] = KEY
        try:
            timings[name] = _run(home, config)
        finally:
            os.environ.pop("DQ_WAREHOUSE_KEY", None)
        size = (home / "warehouse.duckdb").stat().st_size / 1e6
        print(f"pipeline  {name:<9} rows={rows:,}  seconds={timings[name]:.1f}  warehouse MB={size:.1f}")
    print(f"  encrypted / plain: {timings['encrypted'] / timings['plain']:.2f}x")
    path = workdir / "encrypted" / "warehouse.duckdb"
    started = time.perf_counter()
    done = rekey_warehouse(path, KEY, NEW_KEY)
    elapsed = time.perf_counter() - started
    print(f"rekey     tables={done.tables}  rows={done.rows:,}  seconds={elapsed:.1f} (copy, verify, swap)")
