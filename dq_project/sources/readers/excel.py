"""Excel (.xlsx) through calamine (the `fastexcel` package): one sheet, every cell as text.

The header is row `header_row` (default 1) of the sheet's used range (calamine starts the range at
the first non-empty row and column); rows above it (a title) are not read, and a header cell merged
over several columns names each of them (readers/merged.py). Rows whose cells are all empty or
blank are skipped: they are not rows and are not counted as input. A row's row_number is its
position below the header counting those skipped rows, so the spreadsheet row is row_number + the
header's row. Cells read as displayed where
the file allows: whole numbers without '.0', dates 'YYYY-MM-DD', datetimes 'YYYY-MM-DD HH:MM:SS',
booleans 'true'/'false'. Column types are inferred from every row, so a late text cell in a numeric
column is kept (as text, like the whole column), never turned into null.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import fastexcel
import polars as pl

from dq_project.settings import SourceSettings
from dq_project.sources.file_quarantine import FileProblem, bounded
from dq_project.sources.readers import LoadParams, ReadResult
from dq_project.sources.readers.encoding import BadLine
from dq_project.sources.readers.formulas import formula_cells
from dq_project.sources.readers.merged import merged_header_names
from dq_project.sources.readers.rows import as_text, insert_frame, quarantine_lines

HEADER_SCAN_ROWS = 10  # where a header may sit below title rows


def read_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, source: SourceSettings, params: LoadParams
) -> ReadResult:
    """Load the source's sheet (name or 0-based index; default the first) of a workbook."""
    if path.stat().st_size == 0:
        return ReadResult(columns=[], encoding=None)
    frame, sheet = read_sheet(path, source.sheet, source.primary_key, source.header_row)
    names = merged_header_names(path, sheet, source.header_row, frame.columns)
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    frame = as_text(frame, spreadsheet=True).with_row_index("dq_row_number", offset=1)
    cells = [c for c in frame.columns if c != "dq_row_number"]
    if cells:
        blank = pl.all_horizontal([pl.col(c).str.strip_chars().fill_null("") == "" for c in cells])
        rows = frame.filter(~blank)
    else:  # an empty sheet
        rows = frame.clear()
    rows = _quarantine_formula_rows(con, path, sheet, source.header_row, rows, cells, params)
    insert_frame(con, rows.select(cells), rows["dq_row_number"], params)
    return ReadResult(columns=cells, encoding=None)


def _quarantine_formula_rows(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sheet: str | int,
    header_row: int,
    rows: pl.DataFrame,
    cells: list[str],
    params: LoadParams,
) -> pl.DataFrame:
    """Quarantine the rows holding a formula cell (see readers/formulas.py); return the others."""
    first_row, formulas = formula_cells(path, sheet)
    if not formulas or first_row is None:
        return rows
    header_row = first_row + header_row - 1  # the header's sheet row (title rows above it)
    by_row = {
        sheet_row - header_row: found for sheet_row, found in formulas.items() if sheet_row > header_row
    }
    held = rows.filter(pl.col("dq_row_number").is_in(list(by_row)))
    records = held.select(pl.struct(cells).struct.json_encode()).to_series().to_list()
    bad = [
        BadLine(
            number,
            bounded(
                f"formula cell(s) {'; '.join(by_row[number])}: a computed value, not exported data "
                "(its cached value is not trusted); re-export values only"
            ),  # fmt: skip
            record,
        )
        for number, record in zip(held["dq_row_number"].to_list(), records, strict=True)
    ]
    quarantine_lines(con, bad, params)
    return rows.filter(~pl.col("dq_row_number").is_in(list(by_row)))


def read_sheet(
    path: Path, sheet: str | int | None, key_column: str | None = None, header_row: int = 1
) -> tuple[pl.DataFrame, str | int]:
    """(The sheet as a frame with calamine's typed columns, the sheet read). With no sheet
    configured, the first sheet whose first rows hold the key column (a workbook often opens on a
    cover or notes sheet). A missing sheet, no sheet holding the key, or a file that is not a
    workbook (a CSV named .xlsx, a truncated or corrupt file) is a FileProblem: the file is
    quarantined."""
    try:
        workbook = fastexcel.read_excel(path)
        names = workbook.sheet_names
        wanted = _data_sheet(workbook, path, key_column) if sheet is None else sheet
        if (isinstance(wanted, int) and not 0 <= wanted < len(names)) or (
            isinstance(wanted, str) and wanted not in names
        ):
            raise FileProblem(
                f"{path}: no sheet {wanted!r}; the workbook has sheets {names} (0-based index)",
                "set the source's `sheet` to one of the workbook's sheets, then "
                "`dq quarantine release {key}`",
            )
        frame = workbook.load_sheet(wanted, header_row=header_row - 1, schema_sample_rows=None).to_polars()
        return frame, wanted
    except fastexcel.FastExcelError as exc:
        detail = str(exc).splitlines()[0]
        raise FileProblem(
            f"{path}: not a readable .xlsx workbook ({detail})",
            "open the file in a spreadsheet and save it as .xlsx (Excel 2007+), then land it again",
        ) from exc


def _data_sheet(workbook: fastexcel.ExcelReader, path: Path, key_column: str | None) -> int:
    """The index of the first sheet with the key column in its first HEADER_SCAN_ROWS rows (header
    names compared trimmed, without BOM, case-insensitively); 0 for a workbook without any cell."""
    if key_column is None:
        return 0
    wanted, seen_cells = _header_key(key_column), False
    for index in range(len(workbook.sheet_names)):
        head = workbook.load_sheet(index, header_row=None, n_rows=HEADER_SCAN_ROWS).to_polars()
        cells = {_header_key(str(v)) for row in head.iter_rows() for v in row if v is not None}
        seen_cells = seen_cells or bool(cells)
        if wanted in cells:
            return index
    if not seen_cells:
        return 0
    raise FileProblem(
        f"{path}: no sheet has the key column {key_column!r} in its first {HEADER_SCAN_ROWS} rows; "
        f"the workbook has sheets {workbook.sheet_names}",
        "set the source's `sheet` to the sheet holding the data (or fix primary_key), then "
        "`dq quarantine release {key}`",
    )


def _header_key(name: str) -> str:
    return name.replace("\ufeff", "").strip().casefold()
