"""The warehouse resource: settings plus short-lived DuckDB connections to the one warehouse file.

DuckDB allows a single writing process per file. Every asset opens its own connection and closes
it when done, the job runs in one process (in_process_executor), and a connection attempt that hits
another process's lock waits, then fails with a clear message instead of a raw lock error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from dq_project.settings import Settings, load_settings
from dq_project.sql import run_sql

# Table DDL files (sql/<schema>/<table>.sql), created on first connection, in dependency order.
TABLES: tuple[str, ...] = (
    "raw/loads", "raw/customer_rows", "raw/quarantine", "staging/customers",
    "staging/current_customers", "quality/rule_results", "quality/rule_failures",
    "quality/kpi_history", "matching/pairs", "matching/clusters", "matching/review_queue",
    "matching/steward_decisions", "matching/golden_id_changes", "matching/runs",
    "golden/customers", "golden/provenance", "audit/log",
)  # fmt: skip


class WarehouseBusyError(RuntimeError):
    """Another process holds the warehouse's write lock."""


def open_warehouse(path: Path, wait_seconds: float = 30.0) -> duckdb.DuckDBPyConnection:
    """Connect to the warehouse file, creating schemas and tables; wait for a busy lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"the warehouse {path} is in use by another process (another dq run or a "
                    f"notebook holding a connection); waited {wait_seconds:.0f}s. Details: {exc}"
                ) from exc
            time.sleep(0.5)
    run_sql(con, "schemas")
    for table in TABLES:
        run_sql(con, table)
    return con


class WarehouseResource(dg.ConfigurableResource):
    """Settings and connections for the DuckDB warehouse under the data home.

    `config_path` and `home` default to the settings module's resolution (DQ_CONFIG / DQ_HOME);
    tests point them at tmp_path.
    """

    config_path: str | None = None
    home: str | None = None

    def settings(self) -> Settings:
        return load_settings(self.config_path, home=self.home)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = open_warehouse(self.settings().warehouse_path)
        try:
            yield con
        finally:
            con.close()
