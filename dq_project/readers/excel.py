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

from dq_project.readers import LoadParams, ReadResult
from dq_project.readers.merged import merged_header_names
from dq_project.readers.rows import as_text, insert_frame
from dq_project.settings import SourceSettings


def read_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, source: SourceSettings, params: LoadParams
) -> ReadResult:
    """Load the source's sheet (name or 0-based index; default the first) of a workbook."""
    if path.stat().st_size == 0:
        return ReadResult(columns=[], encoding=None)
    frame = read_sheet(path, source.sheet, source.header_row)
    names = merged_header_names(path, source.sheet, source.header_row, frame.columns)
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    frame = as_text(frame, spreadsheet=True).with_row_index("dq_row_number", offset=1)
    cells = [c for c in frame.columns if c != "dq_row_number"]
    if cells:
        blank = pl.all_horizontal([pl.col(c).str.strip_chars().fill_null("") == "" for c in cells])
        rows = frame.filter(~blank)
    else:  # an empty sheet
        rows = frame.clear()
    insert_frame(con, rows.select(cells), rows["dq_row_number"], params)
    return ReadResult(columns=cells, encoding=None)


def read_sheet(path: Path, sheet: str | int | None, header_row: int = 1) -> pl.DataFrame:
    """The sheet as a frame with calamine's typed columns; a missing sheet or a file that is not a
    workbook (a CSV named .xlsx, a truncated or corrupt file) is a ValueError."""
    try:
        workbook = fastexcel.read_excel(path)
        wanted = 0 if sheet is None else sheet
        names = workbook.sheet_names
        if (isinstance(wanted, int) and not 0 <= wanted < len(names)) or (
            isinstance(wanted, str) and wanted not in names
        ):
            raise ValueError(f"{path}: no sheet {wanted!r}; the workbook has sheets {names} (0-based index)")
        return workbook.load_sheet(wanted, header_row=header_row - 1, schema_sample_rows=None).to_polars()
    except fastexcel.FastExcelError as exc:
        detail = str(exc).splitlines()[0]
        raise ValueError(f"{path}: not a readable .xlsx workbook ({detail})") from exc
