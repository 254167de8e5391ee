"""CSV: DuckDB's reader (any delimiter, quoted multi-line fields) with rejected lines quarantined.

UTF-8 files (with or without BOM) go to DuckDB as they are: it rejects lines with invalid UTF-8
('INVALID ENCODING') like any other bad line. GBK/GB18030 files are first transcoded to a temporary
UTF-8 copy beside the warehouse; lines with undecodable bytes are cut out of the copy and quarantined
with their physical line numbers, and DuckDB's reject line numbers are mapped back to the original's.
DuckDB numbers a reject by record, so after a quoted multi-line field its line is the record's line.
"""

from __future__ import annotations

import csv as std_csv
from dataclasses import asdict
from pathlib import Path

import duckdb

from dq_project.settings import SourceSettings
from dq_project.sources.file_quarantine import FileProblem
from dq_project.sources.readers import LoadParams, ReadResult
from dq_project.sources.readers.encoding import UTF8, BadLine, line_shifts, resolve_encoding, utf8_copy
from dq_project.sources.readers.newlines import readable_endings
from dq_project.sources.readers.rows import quarantine_lines, warehouse_dir
from dq_project.warehouse.sql import query_sql, run_sql


def read_csv(
    con: duckdb.DuckDBPyConnection, path: Path, source: SourceSettings, params: LoadParams
) -> ReadResult:
    """Load a CSV file in the source's (or the detected) encoding; bad lines land in raw.quarantine."""
    if path.stat().st_size == 0:
        return ReadResult(columns=[], encoding=None)
    encoding = resolve_encoding(source.encoding, path)
    workdir = warehouse_dir(con)
    if encoding in UTF8:
        with readable_endings(path, source.quote, workdir) as even:
            columns = unique_names(header(even, source))
            _load_utf8(con, even, source, params, columns)
        return ReadResult(columns=columns, encoding=encoding)
    with utf8_copy(path, encoding, workdir) as (copy, removed):
        if any(bad.line == 1 for bad in removed):
            raise FileProblem(
                f"{path}: the header line is not valid {encoding} (configured encoding "
                f"{source.encoding!r}); the encoding could not be detected",
                "set the source's encoding (utf-8, gbk, gb18030) to the file's, or re-export it as "
                "UTF-8 and land it again; then `dq quarantine release {key}` if only the config changed",
            )
        quarantine_lines(con, removed, params)
        with readable_endings(copy, source.quote, workdir) as even:
            columns = unique_names(header(even, source))
            if even.stat().st_size:
                _load_utf8(con, even, source, params, columns, removed)
        return ReadResult(columns=columns, encoding=encoding)


def _load_utf8(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: SourceSettings,
    params: LoadParams,
    columns: list[str],
    removed: list[BadLine] | None = None,
) -> None:
    options = {"path": str(path), "delimiter": source.delimiter, "quote": source.quote}
    options["skip"] = source.header_row - 1
    options["columns"] = {name: "VARCHAR" for name in columns}
    run_sql(con, "raw/reset_rejects")
    try:
        run_sql(con, "raw/insert_csv_rows", **options, **asdict(params))
    except duckdb.InvalidInputException as exc:
        # DuckDB (1.4) cuts a rejected over-long line at 10,000 bytes, possibly inside a character,
        # and then cannot store it: the line cannot be quarantined, so the load stops clearly.
        if "segment statistics" not in str(exc):
            raise
        raise FileProblem(
            f"{path}: a line is longer than DuckDB's 2 MB line limit and holds multi-byte text, so "
            "it cannot be quarantined; split the file or shorten that field",
            "split the file or shorten that field, and land it again",
        ) from exc
    lines = full_reject_lines(path, query_sql(con, "raw/select_cut_rejects").fetchall())
    run_sql(con, "raw/create_full_lines", lines=[b.line for b in lines],
            raw_texts=[b.raw_text for b in lines], raw_bytes=[b.raw_bytes for b in lines])  # fmt: skip
    run_sql(con, "raw/quarantine_rejects", shifts=line_shifts(removed or []), **asdict(params))


def full_reject_lines(path: Path, cut: list[tuple[int, int, int]]) -> list[BadLine]:
    """The whole rejected lines DuckDB cut or could not decode, read from the file at their byte
    positions: (line, text, bytes when not UTF-8). Only those few lines are read, never the file."""
    found = []
    with path.open("rb") as handle:
        for line, position, kept in cut:
            handle.seek(max(position - 1, 0))  # DuckDB counts line_byte_position from 1
            data = handle.read(max(kept, 1))
            if not data.endswith(b"\n"):
                data += handle.readline()
            data = data.removesuffix(b"\n").removesuffix(b"\r")
            try:
                found.append(BadLine(line, "", data.decode("utf-8")))
            except UnicodeDecodeError:
                found.append(BadLine(line, "", data.decode("utf-8", "backslashreplace"), data))
    return found


def unique_names(columns: list[str]) -> list[str]:
    """Column names for DuckDB: an empty name becomes column<N> (1-based), a repeated one gets _1, _2..."""
    seen: dict[str, int] = {}
    names = []
    for index, name in enumerate(columns, start=1):
        base = name or f"column{index}"
        count = seen.get(base, 0)
        seen[base] = count + 1
        names.append(base if count == 0 else f"{base}_{count}")
    return names


def header(path: Path, source: SourceSettings, encoding: str = "utf-8-sig") -> list[str]:
    """The column names: the record on line `header_row` (quoted names and delimiters handled)."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        for _ in range(source.header_row - 1):
            handle.readline()
        return next(std_csv.reader(handle, delimiter=source.delimiter, quotechar=source.quote), [])
