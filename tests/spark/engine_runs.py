"""Running the daily pipeline on either engine over the same landed input (tests/spark)."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from dq_project.settings import PROJECT_ROOT

DAY = dt.date(2026, 11, 20)
RAGGED_ROW = '"RAGGED-1",person,张三,M' + ",x" * 40 + "\n"


@dataclass
class EngineRun:
    home: Path
    con: duckdb.DuckDBPyConnection
    success: bool
    seconds: float


def spark_config(lake: Path | None = None) -> str:
    lake_line = f'lake = "{lake}"\n' if lake else ""
    options = '{"spark.sql.shuffle.partitions" = 4, "spark.driver.memory" = "2g"}'
    return f'\n[engine]\nkind = "spark"\nmaster = "local[2]"\n{lake_line}options = {options}\n'


def run_engine(base: Path, landing: Path, kind: str, models: Path | None = None) -> EngineRun:
    """The daily pipeline of DAY on `kind` over a copy of `landing` (and of a saved `models` dir)."""
    from dq_project.runner import run_daily
    from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

    home = base / kind / "home"
    shutil.copytree(landing, home / "landing")
    if models is not None:
        shutil.copytree(models, home / "models")
    config = base / kind / "dq.toml"
    text = (PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8")
    config.write_text(text + (spark_config() if kind == "spark" else ""), encoding="utf-8")
    warehouse = WarehouseResource(config_path=str(config), home=str(home))
    started = time.perf_counter()
    result = run_daily(warehouse, DAY, instance=dg.DagsterInstance.ephemeral())
    seconds = time.perf_counter() - started
    return EngineRun(home, connect_warehouse(warehouse.settings(), read_only=True), result.success, seconds)


def run_both(base: Path, rows: int, seed: int = 7) -> tuple[EngineRun, EngineRun]:
    """The same generated snapshot through DuckDB, then Spark with the model DuckDB saved."""
    from dq_generator import generate

    landing = base / "landing"
    snapshot = generate(rows, seed, landing, DAY)
    with snapshot.files["crm"].open("a", encoding="utf-8") as crm:
        crm.write(RAGGED_ROW)  # one row for the quarantine: both engines must hold it there
    duck = run_engine(base, landing, "duckdb")
    spark = run_engine(base, landing, "spark", models=duck.home / "models")
    return duck, spark


def both_runs(tmp_path_factory, name: str, rows: int):
    """A module fixture's body: run_both on `rows` records, yielding (duckdb, spark) and closing
    their warehouse connections afterwards."""
    duck, spark = run_both(tmp_path_factory.mktemp(name), rows)
    yield duck, spark
    duck.con.close()
    spark.con.close()
