"""Staging a partition, incrementally when it can be: unchanged raw rows keep their staged row.

A source that lands a full snapshot every day sends mostly the same rows again. A record whose raw
row hash (of the record as stored) and staging fingerprint (staging code version and the source's
settings) equal those of the source's previous staged date is copied forward in SQL, under today's
date, load and row number; only the other rows are normalized (mapping reads every row: it is
cheap, and the raw hash is read with it). Staged rows
whose outcome depends on the date are staged again (a birth date, ID number or identifier that was
not accepted: a future date may be accepted later; accepted ones stay accepted as dates only move
forward). A source staged for the first time, a date before one already staged, a source whose
records repeat a key on either date, or a changed fingerprint: the whole partition is normalized.
The result is the same staged rows as a full recompute (test_incremental_staging).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import duckdb
import polars as pl

from dq_project.normalize.frame import normalize_source_frame
from dq_project.settings import SourceSettings
from dq_project.sources.partition import read_canonical
from dq_project.warehouse.sql import query_frame, query_sql, run_sql


@dataclass
class StagedSource:
    """One source's part of a staged partition: the rows normalized now, and the unchanged rows
    (record_key, load_id, row_number) to copy forward from `previous_date`."""

    source: SourceSettings
    normalized: pl.DataFrame
    unchanged: pl.DataFrame | None = None
    previous_date: dt.date | None = None
    hashes: pl.DataFrame | None = None


def fingerprint(source: SourceSettings, code_version: str) -> str:
    """How a source's rows are staged: the staging code version and every setting of the source."""
    text = f"{code_version}\n{source.model_dump_json()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def stage_source(
    con: duckdb.DuckDBPyConnection, source: SourceSettings, snapshot_date: dt.date, code_version: str
) -> StagedSource | None:
    """Read, map and normalize the source's rows of the date, but for the unchanged ones (see the
    module docstring); None when the source has no rows that date."""
    canonical = read_canonical(con, str(snapshot_date), source, with_hash=True)
    if canonical.is_empty():
        return None
    print_ = fingerprint(source, code_version)
    keyed = canonical.filter(pl.col("record_key").is_not_null())
    hashes = keyed.select(
        pl.lit(source.name).alias("source"), "record_key", "raw_hash", pl.lit(print_).alias("fingerprint")
    )
    unchanged, previous = None, None
    if keyed["record_key"].is_unique().all():
        (previous,) = query_sql(
            con, "staging/previous_staged_date", source=source.name, snapshot_date=str(snapshot_date)
        ).fetchone()
    if previous is not None:
        today_hashes = keyed.select("record_key", "raw_hash", "load_id", "row_number").to_arrow()
        con.register("today_hashes", today_hashes)
        try:
            unchanged = query_frame(
                con, "staging/select_unchanged_rows", previous_date=str(previous), source=source.name,
                fingerprint=print_,
            )  # fmt: skip
        finally:
            con.unregister("today_hashes")
        if not unchanged["record_key"].is_unique().all():  # a key repeated on the previous date
            unchanged, previous = None, None
    if unchanged is not None:
        canonical = canonical.join(unchanged.select("record_key"), on="record_key", how="anti")
    normalized = pl.DataFrame()  # every row unchanged
    if not canonical.is_empty():
        normalized = normalize_source_frame(canonical.drop("raw_hash"), source, snapshot_date)
        normalized = normalized.with_columns(pl.lit(snapshot_date).alias("snapshot_date"))
    return StagedSource(source, normalized, unchanged, previous, hashes)


def stage_partition(
    con: duckdb.DuckDBPyConnection, sources: list[SourceSettings], snapshot_date: dt.date, code_version: str
) -> None:
    """Replace the staged partition of the date, in one transaction: source by source, each one's
    normalized rows are inserted and freed before the next source is read, then the unchanged rows
    are copied forward and the row hashes written. Memory: at 1M records the sources' frames, their
    concatenation and its Arrow copy used to be alive at once; now one source's frame is, and it
    goes to DuckDB as Arrow string views, without a copy."""
    con.begin()
    try:
        run_sql(con, "staging/delete_customers_partition", snapshot_date=str(snapshot_date))
        parts = []
        for source in sources:
            # today = the snapshot date: birth dates after it are invalid, on re-runs too
            part = stage_source(con, source, snapshot_date, code_version)
            if part is None:
                continue
            if not part.normalized.is_empty():
                con.register("staged_frame", part.normalized.to_arrow(compat_level=pl.CompatLevel.newest()))
                try:
                    run_sql(con, "staging/insert_customers")
                finally:
                    con.unregister("staged_frame")
            part.normalized = pl.DataFrame()  # written: freed before the next source is read
            parts.append(part)
        write_staged(con, parts, snapshot_date)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def write_staged(con: duckdb.DuckDBPyConnection, parts: list[StagedSource], snapshot_date: dt.date) -> None:
    """Write the sources' parts (inside the caller's transaction, after it cleared the partition):
    the unchanged rows copied forward, the row hashes of the date."""
    run_sql(con, "staging/delete_row_hashes_partition", snapshot_date=str(snapshot_date))
    for part in parts:
        if part.unchanged is not None and not part.unchanged.is_empty():
            con.register("unchanged_rows", part.unchanged.to_arrow())
            try:
                run_sql(
                    con, "staging/copy_unchanged_rows", snapshot_date=str(snapshot_date),
                    previous_date=str(part.previous_date), source=part.source.name,
                )  # fmt: skip
            finally:
                con.unregister("unchanged_rows")
        con.register("hashes_frame", part.hashes.to_arrow())
        try:
            run_sql(con, "staging/insert_row_hashes", snapshot_date=str(snapshot_date))
        finally:
            con.unregister("hashes_frame")


def staged_statuses(
    con: duckdb.DuckDBPyConnection, snapshot_date: dt.date, fields: tuple[str, ...]
) -> pl.DataFrame:
    """The `<field>_status` columns of the whole staged partition (copied rows too), for the
    asset's metadata."""
    columns = [f"{field}_status" for field in fields]
    return query_frame(
        con, "staging/select_customers_columns", columns=columns, snapshot_date=str(snapshot_date)
    )
