"""Raw rows (JSON text records keyed by the source's own column names) -> canonical columns."""

from __future__ import annotations

import polars as pl

from dq_project.settings import CANONICAL_FIELDS, SourceSettings


def _field(source: SourceSettings, field: str) -> pl.Expr:
    """One canonical field: its source column, several joined by a space, else the source's default."""
    columns = source.mapped_columns(field)
    if not columns:
        return pl.lit(source.defaults.get(field), pl.String).alias(field)
    if len(columns) == 1:
        return pl.col(columns[0]).alias(field)
    joined = pl.concat_str([pl.col(c).str.strip_chars() for c in columns], separator=" ", ignore_nulls=True)
    return pl.when(joined != "").then(joined).alias(field)


def to_canonical(rows: pl.DataFrame, source: SourceSettings) -> pl.DataFrame:
    """Map raw records onto the canonical schema; unmapped canonical fields become null text.

    Keeps load_id and row_number and adds source, source_record_id and record_key.
    """
    wanted = pl.Struct({column: pl.String for column in source.source_columns})
    decoded = rows.select("load_id", "row_number", pl.col("record").str.json_decode(dtype=wanted).alias("r"))
    canonical = decoded.unnest("r").select(
        "load_id", "row_number", *[_field(source, f) for f in CANONICAL_FIELDS]
    )
    key = pl.col("source_record_id").str.strip_chars()
    return canonical.with_columns(
        pl.lit(source.name).alias("source"),
        key.alias("source_record_id"),
        pl.when(key != "").then(pl.lit(source.name + ":") + key).alias("record_key"),
    )
