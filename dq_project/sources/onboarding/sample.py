"""How an export is written, and a text sample of it: format, encoding, delimiter, header row, sheet.

Detection uses the readers' own logic where it exists (encoding detection, the merged-header names
of a workbook), so the names proposed are the names the load will see.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from dq_project.sources.file_quarantine import FileProblem
from dq_project.sources.readers.encoding import detect_encoding
from dq_project.sources.readers.magic import container_of
from dq_project.sources.readers.merged import merged_header_names
from dq_project.sources.readers.rows import as_text

SAMPLE_ROWS = 2000
SAMPLE_BYTES = 1 << 20
HEADER_SCAN_ROWS = 10
DELIMITERS = (",", "\t", ";", "|")
FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet"}  # fmt: skip


@dataclass
class Sample:
    """A file as dq would read it: its options, its columns (JSON Lines: nested keys dotted), the
    sample as text, and the sample as raw records (what raw.customer_rows would hold)."""

    format: str
    encoding: str | None = None
    delimiter: str = ","
    header_row: int = 1
    sheet: str | None = None
    frame: pl.DataFrame = field(default_factory=pl.DataFrame)
    records: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def format_of(path: Path) -> str:
    """The format from the content where it tells (workbook, Parquet), else the extension."""
    container = container_of(path)
    if container and container.startswith("zip"):
        return "xlsx"
    if container == "Parquet":
        return "parquet"
    if container:
        raise FileProblem(f"{path.name} is {container} data; decompress it first", "decompress the file")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileProblem(
            f"{path.name}: unknown file type {path.suffix!r}", "use .csv, .xlsx, .jsonl or .parquet"
        )
    return fmt


def read_sample(path: Path, *, encoding: str | None = None, sheet: str | int | None = None,
                header_row: int | None = None, delimiter: str | None = None) -> Sample:  # fmt: skip
    """Detect (unless given) and read the first SAMPLE_ROWS rows of the file as text."""
    fmt = format_of(path)
    if fmt == "xlsx":
        return _xlsx(path, sheet, header_row)
    if fmt == "parquet":
        frame = as_text(pl.read_parquet(path, n_rows=SAMPLE_ROWS))
        return Sample("parquet", frame=frame, records=_records(frame))
    enc = encoding if encoding not in (None, "auto") else detect_encoding(path)
    text = _head_text(path, enc)
    if fmt == "jsonl":
        return _jsonl(text, enc)
    return _csv(text, enc, delimiter, header_row)


def _head_text(path: Path, encoding: str) -> str:
    with path.open("rb") as handle:
        data = handle.read(SAMPLE_BYTES)
    if b"\x00" in data[:4096]:
        raise FileProblem(
            f"{path.name}: NUL bytes in the text: UTF-16/32 or binary data, not a supported text encoding",
            "re-export the file as UTF-8 (or GBK / GB18030)",
        )
    if len(data) == SAMPLE_BYTES:
        data = data[: data.rfind(b"\n") + 1] or data
    codec = "utf-8-sig" if encoding.startswith("utf-8") else encoding
    return data.decode(codec, "replace").replace("\r\n", "\n").replace("\r", "\n")


def _delimiter(lines: list[str]) -> str:
    """The candidate found the same (non-zero) number of times on most of the first lines."""
    best, best_score = ",", -1.0
    for candidate in DELIMITERS:
        counts = [line.count(candidate) for line in lines if line.strip()]
        if not counts or max(counts) == 0:
            continue
        top = max(set(counts), key=lambda c: (counts.count(c), c))
        score = counts.count(top) / len(counts) + (0.01 if top else 0) + top / 1000
        if top and score > best_score:
            best, best_score = candidate, score
    return best


def _header_index(rows: list[list[str | None]]) -> int:
    """0-based index of the header among the first rows: the first row as wide as most rows whose
    cells are distinct, non-empty and not numbers (a title row above it has one filled cell)."""
    widths = [sum(1 for v in row if v not in (None, "")) for row in rows[:HEADER_SCAN_ROWS]]
    if not widths:
        return 0
    wide = max(widths)
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [str(v).strip() for v in row if v not in (None, "")]
        texty = sum(not c.replace(".", "", 1).lstrip("-").isdigit() for c in cells)
        if widths[index] >= 0.8 * wide and len(set(cells)) == len(cells) and texty >= 0.8 * len(cells):
            return index
    return 0


def _csv(text: str, encoding: str, delimiter: str | None, header_row: int | None) -> Sample:
    lines = text.split("\n")[: HEADER_SCAN_ROWS * 2]
    sep = delimiter or _delimiter(lines)
    raw = pl.read_csv(io.StringIO(text), has_header=False, separator=sep, infer_schema=False,
                      truncate_ragged_lines=True, n_rows=SAMPLE_ROWS + HEADER_SCAN_ROWS)  # fmt: skip
    rows = raw.head(HEADER_SCAN_ROWS).rows()
    index = header_row - 1 if header_row else _header_index(rows)
    names = _unique([str(v) if v is not None else "" for v in rows[index]] if rows else [])
    frame = raw.slice(index + 1).rename(dict(zip(raw.columns, names, strict=False)))
    frame = frame.select(names[: frame.width]).head(SAMPLE_ROWS)
    sample = Sample("csv", encoding, sep, index + 1, frame=frame, records=_records(frame))
    if index:
        sample.notes.append(f"{index} title row(s) above the header: header_row = {index + 1}")
    return sample


def _unique(names: list[str]) -> list[str]:
    """As the CSV reader names columns: empty -> column<N>, repeats get _1, _2 (readers/csv.py)."""
    from dq_project.sources.readers.csv import unique_names

    return unique_names(names)


def _xlsx(path: Path, sheet: str | int | None, header_row: int | None) -> Sample:
    """The sheet with the most filled cells near the top (unless given), its header row, as text."""
    try:
        book = fastexcel.read_excel(path)
        heads = {name: book.load_sheet(name, header_row=None, n_rows=HEADER_SCAN_ROWS * 5).to_polars()
                 for name in book.sheet_names}  # fmt: skip
    except fastexcel.FastExcelError as exc:
        raise FileProblem(
            f"{path.name}: not a readable workbook ({str(exc).splitlines()[0]})",
            "open the file in a spreadsheet and save it as .xlsx (Excel 2007+)",
        ) from exc
    if sheet is None:
        filled = {n: sum(h[c].drop_nulls().len() for c in h.columns) for n, h in heads.items()}
        sheet = max(book.sheet_names, key=lambda n: (filled[n], -book.sheet_names.index(n)))
    sheet = book.sheet_names[sheet] if isinstance(sheet, int) else sheet
    head = as_text(heads[sheet], spreadsheet=True)
    index = header_row - 1 if header_row else _header_index(head.rows())
    frame = book.load_sheet(sheet, header_row=index, n_rows=SAMPLE_ROWS, schema_sample_rows=None).to_polars()
    names = merged_header_names(path, sheet, index + 1, frame.columns)
    frame = as_text(frame.rename(dict(zip(frame.columns, names, strict=True))), spreadsheet=True)
    sample = Sample("xlsx", None, ",", index + 1, sheet, frame, _records(frame))
    if len(book.sheet_names) > 1:
        sample.notes.append(f"sheet {sheet!r} of {book.sheet_names}")
    if index:
        sample.notes.append(f"{index} title row(s) above the header: header_row = {index + 1}")
    return sample


def _jsonl(text: str, encoding: str) -> Sample:
    """Objects of the first lines (a cut-off or non-object line is skipped and noted); nested
    objects flattened to dotted columns for profiling; records keep the reader's top-level shape."""
    objects, skipped = [], 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            skipped += 1
            continue
        if isinstance(value, dict):
            objects.append(value)
        if len(objects) >= SAMPLE_ROWS:
            break
    top = as_text(pl.from_dicts(objects, infer_schema_length=None)) if objects else pl.DataFrame()
    flat = as_text(_flatten(pl.from_dicts(objects, infer_schema_length=None))) if objects else pl.DataFrame()
    sample = Sample("jsonl", encoding, frame=flat, records=_records(top))
    if skipped:
        sample.notes.append(
            f"{skipped} line(s) that are not JSON objects were skipped (a load quarantines them)"
        )
    return sample


def _flatten(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested values as dotted columns, recursively, as the mapping language's paths read them:
    struct fields become `parent.child`; a list of objects becomes one `list.field` column per
    field holding the list of that field's values (Pipedrive's `phone: [{label, value}]` gives
    `phone.value`, WeCom's `follow_user[].tags[].tag_name` gives `follow_user.tags.tag_name`);
    lists of lists are flattened; lists of plain values are finally joined with ", " (a path
    follows lists the same way), so value shapes (a mobile, an e-mail) can be seen inside them."""
    while True:
        schema = frame.schema
        nested = [c for c, t in schema.items() if isinstance(t, pl.Struct) or _nested_list(t)]
        if not nested:
            break
        columns: list[pl.Expr] = []
        for c, t in schema.items():
            if isinstance(t, pl.Struct):
                columns.append(
                    pl.col(c).struct.rename_fields([f"{c}.{f.name}" for f in t.fields]).struct.unnest()
                )
            elif _nested_list(t) and isinstance(t.inner, pl.Struct):
                columns += [
                    pl.col(c).list.eval(pl.element().struct.field(f.name)).alias(f"{c}.{f.name}")
                    for f in t.inner.fields
                ]
            elif _nested_list(t):
                columns.append(pl.col(c).list.eval(pl.element().explode()))
            else:
                columns.append(pl.col(c))
        frame = frame.select(columns)
    return frame.with_columns(
        pl.col(c).list.eval(pl.element().cast(pl.String)).list.join(", ")
        for c, t in frame.schema.items()
        if isinstance(t, pl.List)
    )


def _nested_list(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct | pl.List)


def _records(frame: pl.DataFrame) -> list[str]:
    """The rows as raw records (JSON objects of text keyed by the column names)."""
    if frame.is_empty():
        return []
    return frame.select(pl.struct(pl.all()).struct.json_encode()).to_series().to_list()
