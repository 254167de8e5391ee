"""The warehouse resource: settings plus short-lived DuckDB connections to the one warehouse file.

DuckDB allows a single writing process per file. Every asset opens its own connection and closes
it when done, the job runs in one process (in_process_executor), and a connection attempt that hits
another process's lock waits, then fails with a clear message instead of a raw lock error. A whole
run also holds the data home's run lock (dq_project.warehouse.lock), so two runs never interleave.

Every connection to the warehouse file goes through `open_warehouse` (or `connect_warehouse` with
settings), which decrypts it when `[warehouse] encrypted = true` (see dq_project.governance.encryption).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from filelock import FileLock
from pydantic import PrivateAttr

from dq_project.governance.audit_log import log_event
from dq_project.governance.encryption import WarehouseKeyError, connect_file
from dq_project.settings import WAREHOUSE_KEY_ENV, Settings, load_settings
from dq_project.warehouse.lock import acquire_run_lock, release_run_lock
from dq_project.warehouse.sql import run_sql
from dq_project.warehouse.versioned import ensure_versioned_tables

# Table DDL files (sql/<schema>/<table>.sql), created on first connection, in dependency order.
TABLES: tuple[str, ...] = (
    "raw/loads", "raw/customer_rows", "raw/quarantine", "raw/quarantined_files", "raw/erasures",
    "staging/customers", "staging/row_hashes", "staging/current_customers", "quality/rule_results",
    "quality/rule_failures",
    "quality/rule_counts", "quality/kpi_history", "matching/review_queue", "matching/steward_decisions",
    "matching/golden_id_changes", "matching/runs", "matching/features", "audit/log",
    "raw/mapping_warnings",
)  # fmt: skip
# Also created at bootstrap: the versioned tables and their views (dq_project.warehouse.versioned).


class WarehouseBusyError(RuntimeError):
    """Another process holds the warehouse's write lock."""


def open_warehouse(
    path: Path, wait_seconds: float = 30.0, *, key: str | None = None, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Connect to the warehouse file (decrypted with `key`), creating schemas and tables unless
    read-only; wait for a busy lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = connect_file(path, key, read_only=read_only)
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
    if not read_only:
        run_sql(con, "schemas")
        for table in TABLES:
            run_sql(con, table)
        ensure_versioned_tables(con)
    return con


def warehouse_key(settings: Settings) -> str | None:
    """The key that opens the settings' warehouse (None: plain); a key without `encrypted`, or the
    reverse, is an error rather than a guess."""
    key = settings.warehouse.key
    if settings.warehouse.encrypted and key is None:
        raise WarehouseKeyError(
            f"[warehouse] encrypted = true, but {WAREHOUSE_KEY_ENV} is not set: the warehouse "
            f"{settings.warehouse_path} cannot be opened without its key"
        )
    if not settings.warehouse.encrypted and key is not None:
        raise WarehouseKeyError(
            f"{WAREHOUSE_KEY_ENV} is set, but [warehouse] encrypted = false: set encrypted = true "
            "(after `dq rekey` for an existing plain warehouse) or unset the key"
        )
    return key.get_secret_value() if key else None


def connect_warehouse(
    settings: Settings, *, read_only: bool = False, wait_seconds: float = 30.0
) -> duckdb.DuckDBPyConnection:
    """`open_warehouse` on the settings' warehouse file with its key and memory limit."""
    con = open_warehouse(
        settings.warehouse_path, key=warehouse_key(settings), read_only=read_only, wait_seconds=wait_seconds
    )
    apply_memory_limit(con, settings)
    return con


def apply_memory_limit(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """`[warehouse] memory_limit` on a warehouse connection. DuckDB's default is 80% of the RAM; at
    1M records the golden-record SQL alone then peaked at 8 GB, with a 3 GB limit at 4 GB (and +10%
    time), since DuckDB spills its sorts and windows beside the warehouse file."""
    run_sql(con, "warehouse/set_memory_limit", memory_limit=settings.warehouse.memory_limit)


def log_lock_takeover(settings: Settings, run_id: str, message: str) -> None:
    """An audit row for a run lock taken over from a dead run (the killed run wrote none)."""
    con = connect_warehouse(settings)
    try:
        log_event(con, "lock_takeover", target=run_id, details={"message": message})
    finally:
        con.close()


class WarehouseResource(dg.ConfigurableResource):
    """Settings and connections for the DuckDB warehouse under the data home.

    `config_path` and `home` default to the settings module's resolution (DQ_CONFIG / DQ_HOME);
    tests point them at tmp_path.
    """

    config_path: str | None = None
    home: str | None = None
    run_lock_wait_seconds: float = 1800.0
    """How long a run waits for another run of the same data home to finish (warehouse.lock)."""
    _run_lock: tuple[Path, FileLock] | None = PrivateAttr(default=None)  # (data home, its held lock)
    _shared: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)  # see `sharing`

    def settings(self) -> Settings:
        return load_settings(self.config_path, home=self.home)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """A run holds the data home's run lock from its first asset to its last (a sensor or
        schedule evaluation, which has no run, does not)."""
        if context.dagster_run is None:
            return
        settings = self.settings()
        taken_over: list[str] = []

        def notify(message: str) -> None:
            context.log.warning(message)  # `dq run` shows warnings even when quiet
            if message.startswith("taking over"):
                taken_over.append(message)

        lock = acquire_run_lock(settings.home, self.run_lock_wait_seconds, context.run_id, notify)
        self._run_lock = settings.home, lock
        if taken_over:
            log_lock_takeover(settings, context.run_id, taken_over[0])

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._run_lock is not None:
            release_run_lock(*self._run_lock)
            self._run_lock = None

    @contextmanager
    def sharing(self) -> Iterator[None]:
        """One connection for the block (an asset going through a range's dates): `connect()`
        inside it hands out that connection instead of opening the file and creating its tables
        again for every date (0.1 s each, 7 times a date). The block ends in one checkpoint, where
        a `connect()` alone ends in its own: a checkpoint per date and asset was 16% of a 90-date
        backfill's time. A full disk then fails the asset at its last date, its committed dates
        kept in the WAL (DuckDB still checkpoints by itself when the WAL passes its threshold)."""
        if self._shared is not None:
            yield
            return
        self._shared = connect_warehouse(self.settings())
        try:
            yield
            self._shared.execute("checkpoint")  # as in connect(): a full disk fails the asset
        finally:
            con, self._shared = self._shared, None
            con.close()

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._shared is not None and not read_only:
            yield self._shared  # checkpointed once, at the end of `sharing`
            return
        con = connect_warehouse(self.settings(), read_only=read_only)
        try:
            yield con
            if not read_only:
                # DuckDB checkpoints on close too, but ignores a failure there: on a full disk the
                # asset would succeed with its work only in the WAL. Here the failure fails the asset.
                con.execute("checkpoint")
        finally:
            con.close()
