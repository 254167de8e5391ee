"""Shared by the readers: frames as text, frame rows and reader-made quarantine lines into raw."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import duckdb
import polars as pl

from dq_project.sources.readers import LoadParams
from dq_project.sources.readers.encoding import BadLine
from dq_project.warehouse.sql import query_sql, run_sql

# `{"<name>":` in front of a one-field struct's JSON, to keep only the value's JSON.
_FIELD_PREFIX = r'^\{"(?:[^"\\]|\\.)*":'


def warehouse_dir(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The folder of the connection's database file (None in memory): where temp files go."""
    (path,) = query_sql(con, "raw/select_database_path").fetchall()[0]
    return Path(path).parent if path else None


def quarantine_lines(con: duckdb.DuckDBPyConnection, bad: list[BadLine], params: LoadParams) -> None:
    """Insert lines a reader rejected itself into raw.quarantine."""
    if not bad:
        return
    run_sql(
        con,
        "raw/insert_quarantine_lines",
        lines=[b.line for b in bad],
        reasons=[b.reason for b in bad],
        raw_texts=[b.raw_text for b in bad],
        raw_bytes=[b.raw_bytes for b in bad],
        **asdict(params),
    )


def as_text(frame: pl.DataFrame, *, spreadsheet: bool = False) -> pl.DataFrame:
    """Every column as text: dates ISO, datetimes 'YYYY-MM-DD HH:MM:SS' (fractions only when a
    column has them), booleans 'true'/'false', nested values as JSON, bytes as UTF-8 text (bytes
    that are not UTF-8 as \\xNN escapes, kept rather than lost), nulls kept.

    `spreadsheet`: numbers are floats there, so whole ones print without '.0' (a phone typed as a
    number stays '13812345678'), and a datetime column that is midnight throughout prints as dates.
    """
    return frame.select([_text(frame[name], spreadsheet).alias(name) for name in frame.columns])


def _text(series: pl.Series, spreadsheet: bool) -> pl.Expr:
    col, dtype = pl.col(series.name), series.dtype
    if dtype == pl.String:
        return col
    if dtype == pl.Null:
        return col.cast(pl.String)
    if dtype == pl.Binary:
        return pl.lit(_bytes_as_text(series)).alias(series.name)
    if dtype == pl.Date:
        return col.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        fraction = (series.dt.nanosecond() != 0).any()
        if spreadsheet and bool((series.dt.truncate("1d") == series).all()):
            return col.dt.strftime("%Y-%m-%d")
        return col.dt.strftime("%Y-%m-%d %H:%M:%S%.f" if fraction else "%Y-%m-%d %H:%M:%S")
    if dtype.is_float() and spreadsheet:
        whole = (col == col.floor()) & (col.abs() < 1e15)
        return pl.when(whole).then(col.cast(pl.Int64).cast(pl.String)).otherwise(col.cast(pl.String))
    if dtype.is_nested():
        encoded = pl.struct(col).struct.json_encode().str.replace(_FIELD_PREFIX, "").str.strip_suffix("}")
        return pl.when(col.is_null()).then(None).otherwise(encoded)
    return col.cast(pl.String)


def _bytes_as_text(series: pl.Series) -> pl.Series:
    """A binary column as text: one vectorized cast when it is all UTF-8 (the normal case); only a
    column holding other bytes is decoded value by value, with \\xNN escapes for those bytes."""
    try:
        return series.cast(pl.String)
    except pl.exceptions.ComputeError:
        return series.map_elements(lambda b: b.decode("utf-8", "backslashreplace"), return_dtype=pl.String)


def insert_frame(
    con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, row_numbers: pl.Series, params: LoadParams
) -> None:
    """Insert a text frame's rows into raw.customer_rows as JSON objects keyed by its column names."""
    if frame.height == 0:
        return
    rows = pl.DataFrame(
        {
            "dq_row_number": row_numbers.cast(pl.Int64),
            "dq_record": frame.select(pl.struct(pl.all()).struct.json_encode()).to_series(),
        }
    )
    con.register("dq_frame_rows", rows.to_arrow())
    try:
        run_sql(con, "raw/insert_frame_rows", **asdict(params))
    finally:
        con.unregister("dq_frame_rows")
