"""Raw rows (JSON text records keyed by the source's own column names) -> canonical columns."""

from __future__ import annotations

import polars as pl

from dq_project.settings import CANONICAL_FIELDS, SourceSettings


def record_columns(rows: pl.DataFrame) -> list[str]:
    """Column names present in the raw records (taken from the first record of each load)."""
    firsts = rows.group_by("load_id").agg(pl.col("record").first())["record"]
    keys = firsts.str.json_decode(infer_schema_length=None).struct.fields if len(firsts) else []
    return list(keys)


def to_canonical(rows: pl.DataFrame, source: SourceSettings) -> pl.DataFrame:
    """Map raw records onto the canonical schema; unmapped canonical fields become null text.

    Keeps load_id and row_number and adds source, source_record_id and record_key.
    """
    wanted = pl.Struct({column: pl.String for column in source.mapping.values()})
    decoded = rows.select(
        "load_id", "row_number", pl.col("record").str.json_decode(dtype=wanted).alias("r")
    ).unnest("r")
    canonical = decoded.select(
        "load_id",
        "row_number",
        *[
            (pl.col(source.mapping[f]) if f in source.mapping else pl.lit(None, pl.String)).alias(f)
            for f in CANONICAL_FIELDS
        ],
    )
    key = pl.col("source_record_id").str.strip_chars()
    return canonical.with_columns(
        pl.lit(source.name).alias("source"),
        key.alias("source_record_id"),
        pl.when(key != "").then(pl.lit(source.name + ":") + key).alias("record_key"),
    )


def missing_columns(rows: pl.DataFrame, source: SourceSettings) -> list[str]:
    """Mapped source columns that the received files do not have (schema drift)."""
    present = set(record_columns(rows))
    return sorted(c for c in source.mapping.values() if c not in present) if present else []
