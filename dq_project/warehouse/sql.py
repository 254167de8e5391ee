"""The only reader of sql/: statements are loaded by name and run with bound parameters.

A file may hold several statements separated by `;` at the end of a line; each statement receives
only the `$name` parameters it mentions, so one parameter set serves a delete-then-insert pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import polars as pl

# sql/ at the top of the repository, installed as the package dq_project.sqlfiles (see pyproject.toml):
# read as package data, so a wheel installed anywhere finds it.
SQL_DIR = resources.files("dq_project.sqlfiles")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")
_STATEMENT_END = re.compile(r";[ \t]*(?:--[^\n]*)?\n")


@cache
def load_sql(name: str) -> str:
    """Text of sql/<name>.sql, e.g. load_sql("raw/customer_rows_insert")."""
    path = SQL_DIR.joinpath(*f"{name}.sql".split("/"))
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The non-empty statements of sql/<name>.sql in file order."""
    text = load_sql(name) + "\n"
    parts = _STATEMENT_END.split(text)
    return [p.strip() for p in parts if _strip_comments(p).strip()]


def sql_code(name: str) -> str:
    """The statements of sql/<name>.sql without comments, trailing spaces and blank lines: what a
    fingerprint of the SQL digests (editing a comment changes no result; any other edit counts)."""
    lines = (_strip_comments(line).rstrip() for line in load_sql(name).splitlines())
    return "\n".join(line for line in lines if line)


def _strip_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)


def run_sql(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    """Execute every statement of sql/<name>.sql with its bound parameters."""
    for statement in statements(name):
        wanted = set(_PARAM.findall(_strip_comments(statement)))
        missing = wanted - params.keys()
        if missing:
            raise KeyError(f"sql/{name}.sql needs parameters {sorted(missing)}")
        con.execute(statement, {k: params[k] for k in wanted} if wanted else None)


def run_template(
    con: duckdb.DuckDBPyConnection, name: str, identifiers: dict[str, str], **params: Any
) -> None:
    """run_sql for a file with `{placeholder}` identifiers (table names, comma lists of column names)
    that cannot be bound as parameters. Identifiers come from code (warehouse.versioned), never from
    data, and are checked to be plain names; values are still bound as $parameters."""
    for value in identifiers.values():
        if not all(_IDENTIFIER.fullmatch(part.strip()) for part in value.split(",")):
            raise ValueError(f"not an identifier list: {value!r}")
    for statement in statements(name):
        text = statement.format(**identifiers)
        wanted = set(_PARAM.findall(_strip_comments(text)))
        missing = wanted - params.keys()
        if missing:
            raise KeyError(f"sql/{name}.sql needs parameters {sorted(missing)}")
        con.execute(text, {k: params[k] for k in wanted} if wanted else None)


def query_template(
    con: duckdb.DuckDBPyConnection, name: str, fragments: dict[str, str], **params: Any
) -> pl.DataFrame:
    """The result of the single SELECT of template sql/<name>.sql as a frame, its `{placeholder}`s
    filled with `fragments`: column names, or SQL that Splink writes for our own model's blocking
    rules (dq_project.matching.incremental), never data. Values are bound as $parameters."""
    (statement,) = statements(name)
    text = statement.format(**fragments)
    wanted = set(_PARAM.findall(_strip_comments(text)))
    return con.execute(text, {k: params[k] for k in wanted} if wanted else None).pl()


def query_template_union(
    con: duckdb.DuckDBPyConnection, name: str, fragment_sets: list[dict[str, str]], **params: Any
) -> pl.DataFrame:
    """query_template for several sets of fragments at once: the UNION (distinct rows) of the
    template's SELECT filled with each set, run as one query."""
    (statement,) = statements(name)
    text = "\nunion\n".join(f"({statement.format(**fragments)})" for fragments in fragment_sets)
    wanted = set(_PARAM.findall(_strip_comments(text)))
    return con.execute(text, {k: params[k] for k in wanted} if wanted else None).pl()


def query_sql(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> duckdb.DuckDBPyRelation:
    """A relation for the single SELECT in sql/<name>.sql (read with .pl(), .to_arrow_table())."""
    statement, bound = _select(name, params)
    return con.sql(statement, params=bound)


def query_frame(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """query_sql(...).pl(), run once: a relation with parameters runs its query, keeps the result and
    copies it again on .pl() (3x the time for 200k wide rows); use this for large results."""
    statement, bound = _select(name, params)
    return con.execute(statement, bound).pl()


# How bulk writes of derived rows run (session_settings): the matching.features cache, and the
# first build of a versioned table at a date (dq_project.warehouse.versioned.replace_state). Without insertion
# order (DuckDB then writes with every thread) and without dictionary or FSST compression of
# strings, whose analysis dominates such writes: at 1M records the cache write 3.7 -> 1.9 s, and the
# first build's clusters, pairs, golden records and provenance 4.0 -> 1.7 s, for 3-4x the disk of
# those rows (docs/asset-graph.md, "Bulk writes").
BULK_WRITE_SETTINGS: dict[str, str | bool] = {
    "preserve_insertion_order": False,
    "disabled_compression_methods": "fsst,dictionary,dict_fsst",
}


@contextmanager
def session_settings(con: duckdb.DuckDBPyConnection, settings: dict[str, str | bool]) -> Iterator[None]:
    """DuckDB settings (SET name = value) for the statements of the block, reset after it, also
    when it fails (so they never leak into the connection's later writes)."""
    for name, value in settings.items():
        if not _IDENTIFIER.fullmatch(name) or "'" in str(value):
            raise ValueError(f"not a plain setting: {name} = {value!r}")
        literal = str(value).lower() if isinstance(value, bool) else f"'{value}'"
        con.execute(f"set {name} = {literal}")
    try:
        yield
    finally:
        for name in settings:
            con.execute(f"reset {name}")


def _select(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """The single statement of sql/<name>.sql and the parameters it uses (None if none)."""
    (statement,) = statements(name)
    wanted = set(_PARAM.findall(_strip_comments(statement)))
    return statement, ({k: params[k] for k in wanted} if wanted else None)
