"""Loud about what a load could not map: nothing fails silently into nulls.

For one loaded file: every column reference of the source's mapping and attributes is resolved
against the file's header (dq_project/sources/headers.py). A reference the file lacks, or whose values are
blank in every row, or a JSON path no record has, is a warning -- printed by `dq ingest` / `dq run`,
kept in raw.mapping_warnings and shown in the audit report -- and an error (nothing loaded) for a
required column. A header matched only loosely (spaces, BOM, case) is reported too, so the config can
be made exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import polars as pl

from dq_project.settings import SourceSettings
from dq_project.sources.headers import ColumnRef, resolve, rule_refs
from dq_project.sources.mapping import RECORD, Compiler
from dq_project.sources.mapping_spec import MappingRule, as_rule, json_pointer
from dq_project.warehouse.sql import query_sql, run_sql


@dataclass(frozen=True)
class MappingWarning:
    kind: str  # absent | all_null | loose_header
    reference: str
    message: str


def resolved_refs(source: SourceSettings, columns: Sequence[str]) -> list[ColumnRef]:
    """Every distinct reference of the mapping and the attributes, resolved in the file's columns."""
    refs: dict[tuple, ColumnRef] = {}
    for value in [*source.mapping.values(), *source.attributes.values()]:
        for ref in rule_refs(as_rule(value), columns):
            refs.setdefault((ref.written, ref.path, ref.json), ref)
    return list(refs.values())


def drift(columns: list[str], source: SourceSettings) -> tuple[list[str], list[str], list[MappingWarning]]:
    """(references the file lacks, file columns no reference names, warnings about both and about
    loose header matches)."""
    refs = resolved_refs(source, columns)
    missing = sorted({r.written for r in refs if r.column is None})
    used = {r.column for r in refs}
    extra = [c for c in columns if c not in used]
    warnings = [
        MappingWarning("absent", name, f"mapped column {name!r} is not in the file; it maps to null")
        for name in missing
    ]
    notes = sorted({r.note for r in refs if r.note})
    warnings += [MappingWarning("loose_header", n.split("'")[1], n) for n in notes]
    return missing, extra, warnings


def required_problems(source: SourceSettings, columns: list[str], missing: list[str]) -> list[str]:
    """The source's required columns the file lacks."""
    return [c for c in source.required if c in missing or resolve(c, columns).column is None]


def blank_columns(
    con: duckdb.DuckDBPyConnection, source: SourceSettings, columns: list[str], load_id: str
) -> list[MappingWarning]:
    """References present in the file whose every value is blank (paths: that no record has); none
    when no row was loaded (the quarantine says why)."""
    if not query_sql(con, "raw/select_any_row", load_id=load_id).fetchall():
        return []
    warnings = []
    refs = [r for r in resolved_refs(source, columns) if r.column is not None]
    by_column: dict[str, list[ColumnRef]] = {}
    for ref in refs:
        by_column.setdefault(ref.column, []).append(ref)
    for column, column_refs in by_column.items():
        pointer = json_pointer(column)
        if not query_sql(con, "raw/select_nonblank_value", load_id=load_id, pointer=pointer).fetchall():
            warnings += [_all_null(r) for r in column_refs]
            continue
        paths = [r for r in column_refs if r.json]
        if paths:
            rows = query_sql(con, "raw/select_load_records", load_id=load_id, pointer=pointer).pl()
            frame = rows.select(
                pl.col("record").str.json_decode(dtype=pl.Struct({column: pl.String})).alias(RECORD)
            )
            compiler = Compiler(frame, [column])
            for ref in paths:
                compiler.prepare_json(MappingRule(path=column))
                walked = compiler.reference(column, ".".join(ref.path) or None, json=True)
                values = compiler.frame.select(walked.str.strip_chars().alias("v"))["v"]
                if not (values.drop_nulls() != "").any():
                    warnings.append(_all_null(ref))
    return warnings


def _all_null(ref: ColumnRef) -> MappingWarning:
    what = f"path {'.'.join(ref.path)!r} of column {ref.column!r}" if ref.path else f"column {ref.column!r}"
    return MappingWarning("all_null", ref.written, f"mapped {what} is blank in every row of the file")


def store_warnings(
    con: duckdb.DuckDBPyConnection, warnings: list[MappingWarning], params: dict[str, str]
) -> None:
    if warnings:
        run_sql(
            con,
            "raw/insert_mapping_warnings",
            kinds=[w.kind for w in warnings],
            references=[w.reference for w in warnings],
            messages=[w.message for w in warnings],
            **params,
        )
