"""JSON Lines: one object per line, read, checked and flattened to text in DuckDB.

Blank lines are not rows. A line that is not JSON, not an object, or an object with a repeated key is
quarantined with its line number. Values become text: strings as they are, numbers and booleans as
their JSON text (as DuckDB's JSON parser prints them: 1.50 -> '1.5', 1e3 -> '1000.0'), nested objects
and arrays as JSON text, null as null. A record holds the keys of its own line; the columns are the
union of all keys in first-seen order. Non-UTF-8 files (GBK/GB18030, or UTF-8 with bad bytes) are
transcoded first, their undecodable lines quarantined (see readers/encoding.py).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import duckdb

from dq_project.settings import SourceSettings
from dq_project.sources.readers import LoadParams, ReadResult
from dq_project.sources.readers.encoding import UTF8, BadLine, line_shifts, resolve_encoding, utf8_copy
from dq_project.sources.readers.rows import quarantine_lines, warehouse_dir
from dq_project.warehouse.sql import query_sql, run_sql

_REASONS = {
    "not_object": "not a JSON object (a JSON {kind} line)",
    "duplicate_keys": "JSON object with a repeated key",
}


def read_jsonl(
    con: duckdb.DuckDBPyConnection, path: Path, source: SourceSettings, params: LoadParams
) -> ReadResult:
    """Load a JSON Lines file: one raw row per object line, the other non-blank lines quarantined."""
    if path.stat().st_size == 0:
        return ReadResult(columns=[], encoding=None)
    encoding = resolve_encoding(source.encoding, path)
    try:
        if not _utf8_lines(con, path, encoding):
            with utf8_copy(path, encoding, warehouse_dir(con)) as (copy, removed):
                quarantine_lines(con, removed, params)
                run_sql(con, "raw/jsonl_lines", path=str(copy), shifts=line_shifts(removed))
        run_sql(con, "raw/jsonl_shapes")
        run_sql(con, "raw/insert_jsonl_rows", **asdict(params))
        bad = query_sql(con, "raw/select_jsonl_bad_lines").fetchall()
        quarantine_lines(con, [_bad_line(*row) for row in bad], params)
        columns = [key for (key,) in query_sql(con, "raw/select_jsonl_columns").fetchall()]
    finally:
        run_sql(con, "raw/drop_jsonl_lines")
    return ReadResult(columns=columns, encoding=encoding)


def _utf8_lines(con: duckdb.DuckDBPyConnection, path: Path, encoding: str) -> bool:
    """The line table straight from a file declared or detected as UTF-8, when DuckDB finds it valid
    UTF-8 (its check agrees with Python's strict decoder on surrogates, overlong forms and code
    points past U+10FFFF); False otherwise (another encoding, or bad bytes: transcode instead).
    Validating 136 MB in DuckDB took 0.25 s where the Python pass took 0.8 s."""
    if encoding not in UTF8:
        return False
    run_sql(con, "raw/jsonl_lines", path=str(path), shifts=[])
    return query_sql(con, "raw/select_jsonl_line_count").fetchall()[0][0] > 0


def _bad_line(line: int, kind: str, json_kind: str | None, text: str) -> BadLine:
    """A quarantine entry; for broken JSON the reason carries the parser's complaint."""
    if kind == "broken":
        try:
            json.loads(text)
            detail = "not valid JSON"
        except ValueError as exc:
            detail = str(exc)
        return BadLine(line, f"broken JSON: {detail}", text)
    return BadLine(line, _REASONS[kind].format(kind=(json_kind or "").lower()), text)
