"""Encryption at rest: DuckDB's encrypted database files (AES-256-GCM), opened by key.

DuckDB 1.4 writes encrypted files only with OpenSSL, which comes with its httpfs extension; with its
built-in crypto alone it opens an encrypted file read-only and refuses writes ("DuckDB currently has
a read-only crypto module loaded"). httpfs cannot be downloaded at run time on our machines, so it
ships in the pinned `duckdb-extension-httpfs` wheel and is loaded from there by path.

An encrypted file is attached to an in-memory connection under the name `warehouse` and made the
default catalog (`USE`), so every query written for `duckdb.connect(path)` runs unchanged.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from dq_project.settings import WAREHOUSE_KEY_ENV
from dq_project.warehouse.sql import query_sql, run_sql

CATALOG = "warehouse"
HTTPFS_PACKAGE = "duckdb_extension_httpfs"


class WarehouseKeyError(RuntimeError):
    """The warehouse cannot be opened with the key at hand (missing, wrong, or not encrypted)."""


def httpfs_extension() -> Path:
    """The httpfs extension file for the running DuckDB, from the duckdb-extension-httpfs wheel."""
    version = duckdb.__version__
    try:
        root = resources.files(HTTPFS_PACKAGE)
    except ModuleNotFoundError as exc:
        raise WarehouseKeyError(_no_httpfs(version)) from exc
    path = Path(str(root / "extensions" / f"v{version}" / "httpfs.duckdb_extension"))
    if not path.is_file():
        raise WarehouseKeyError(_no_httpfs(version))
    return path


def _no_httpfs(version: str) -> str:
    return (
        f"an encrypted warehouse needs DuckDB's httpfs extension built for DuckDB {version}: "
        f"pip install duckdb-extension-httpfs=={version} (see pyproject.toml)"
    )


def _literal(text: str) -> str:
    """A SQL string literal; ATTACH and LOAD take no bound parameters for their paths."""
    return "'" + text.replace("'", "''") + "'"


def attach(
    con: duckdb.DuckDBPyConnection, path: Path, key: str | None, name: str, *, read_only: bool = False
) -> None:
    """Attach a database file as `name`, decrypting with `key` (None: a plain file)."""
    options = ["read_only"] if read_only else []
    if key is not None:
        con.execute(f"load {_literal(str(httpfs_extension()))}")
        # The key travels as a bound variable, so it never appears in SQL text or parser errors.
        run_sql(con, "warehouse/set_key", key=key)
        options.append("encryption_key getvariable('dq_warehouse_key')")
    statement = f"attach {_literal(str(path))} as {name}" + (f" ({', '.join(options)})" if options else "")
    try:
        con.execute(statement)
    except duckdb.Error as exc:
        raise _key_error(exc, path) from exc
    finally:
        if key is not None:
            run_sql(con, "warehouse/reset_key")


def _key_error(exc: duckdb.Error, path: Path) -> Exception:
    """Our message for DuckDB's key errors; any other error unchanged."""
    text = str(exc)
    if "without a key" in text:
        return WarehouseKeyError(
            f"the warehouse {path} is encrypted: set {WAREHOUSE_KEY_ENV} to its key and "
            "[warehouse] encrypted = true in the config"
        )
    if "Wrong encryption key" in text:
        return WarehouseKeyError(f"{WAREHOUSE_KEY_ENV} does not open {path}: wrong key")
    if "is not encrypted" in text:
        return WarehouseKeyError(
            f"the warehouse {path} is not encrypted, but a key was given: encrypt it with `dq rekey` "
            "(docs/security.md, 'Encryption at rest') or set [warehouse] encrypted = false and unset "
            f"{WAREHOUSE_KEY_ENV}"
        )
    return exc


def connect_file(path: Path, key: str | None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is the database file at `path` (encrypted when `key`)."""
    if key is None:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise _key_error(exc, path) from exc
    con = duckdb.connect()
    try:
        attach(con, path, key, CATALOG, read_only=read_only)
        con.execute(f"use {CATALOG}")
        # Spilled intermediates are customer data too: encrypt them, beside the warehouse as usual.
        con.execute(f"set temp_directory = {_literal(str(path) + '.tmp')}")
        con.execute("set temp_file_encryption = true")
    except BaseException:
        con.close()
        raise
    return con


def table_fingerprints(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent content hash of every table of an attached catalog."""
    tables = query_sql(con, "warehouse/select_tables", catalog=catalog).fetchall()
    return {
        f"{schema}.{table}": query_sql(
            con,
            "warehouse/select_table_fingerprint",
            table=".".join(map(quote_identifier, (catalog, schema, table))),
        ).fetchall()[0]
        for schema, table in tables
    }


def quote_identifier(name: str) -> str:
    """A SQL identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'
