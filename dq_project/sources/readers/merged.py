"""Merged header cells of an .xlsx sheet: a header merged over several columns names each of them.

Calamine (fastexcel) reads a merged cell's value into its first cell only, so the other columns of
a merged header come back unnamed (`__UNNAMED__6`). Exports merge a group header over the columns
it covers (简道云: 联系方式 over mobile and landline); those columns get the group's name, made
unique as repeated names are everywhere (联系方式, 联系方式_1). The merged ranges are read from the
sheet's XML (`<mergeCells>`, written after the cell data, so only the file's tail is searched).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from dq_project.sources.readers.csv import unique_names

_REF = re.compile(r"([A-Z]+)(\d+)")
_UNNAMED = re.compile(r"^__UNNAMED__\d+$")


def _cell(ref: str) -> tuple[int, int]:
    """(0-based column, 1-based row) of an A1 reference."""
    letters, row = _REF.match(ref).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return column - 1, int(row)


def _sheet_xml(book: zipfile.ZipFile, sheet: str | int | None) -> str | None:
    """The archive path of a sheet's XML, found through the workbook's relationships."""
    workbook = book.read("xl/workbook.xml").decode("utf-8", "replace")
    sheets = re.findall(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', workbook)
    index = 0 if sheet is None else sheet
    match = sheets[index] if isinstance(index, int) and index < len(sheets) else None
    match = match or next((s for s in sheets if s[0] == index), None)
    if match is None:
        return None
    rels = book.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    target = re.search(rf'<Relationship\b[^>]*?Id="{re.escape(match[1])}"[^>]*?Target="([^"]*)"', rels)
    target = target or re.search(
        rf'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="{re.escape(match[1])}"', rels
    )
    if target is None:
        return None
    path = target.group(1)
    return path.lstrip("/") if path.startswith("/") else str(PurePosixPath("xl") / path)


def merged_header_names(
    path: Path, sheet: str | int | None, header_row: int, columns: list[str]
) -> list[str]:
    """`columns` with the unnamed columns under a header cell merged across them named after it.

    `header_row` counts from the sheet's used range, like calamine; the range's start (the sheet's
    `<dimension>`) places the merged ranges' absolute references.
    """
    try:
        with zipfile.ZipFile(path) as book:
            name = _sheet_xml(book, sheet)
            xml = book.read(name).decode("utf-8", "replace") if name else ""
    except (KeyError, zipfile.BadZipFile):
        return columns
    start = xml.rfind("<mergeCells")
    if start < 0:
        return columns
    dimension = re.search(r'<dimension ref="([A-Z]+\d+)', xml)
    first_col, first_row = _cell(dimension.group(1)) if dimension else (0, 1)
    names = list(columns)
    for a, b in re.findall(r'<mergeCell ref="([A-Z]+\d+):([A-Z]+\d+)"', xml[start:]):
        (c1, r1), (c2, r2) = _cell(a), _cell(b)
        if not r1 <= first_row + header_row - 1 <= r2:
            continue
        c1, c2 = c1 - first_col, c2 - first_col
        if not 0 <= c1 < len(names) or _UNNAMED.match(names[c1]):
            continue
        for c in range(c1 + 1, min(c2, len(names) - 1) + 1):
            if _UNNAMED.match(names[c]):
                names[c] = names[c1]
    return unique_names(names)
