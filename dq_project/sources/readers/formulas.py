"""Formula cells in an .xlsx sheet, found in the sheet's XML (calamine reads only cached values).

A customer export holds data, not formulas: a formula cell means the file was edited by hand, and
its cached value is whatever the writing program stored (xlsxwriter stores 0 for `=1/0`, which was
then read as the name "0"). The Excel reader quarantines each row holding one, naming the cell and
the formula, rather than trusting the cached value.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path, PurePosixPath

_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)


def sheet_xml_path(book: zipfile.ZipFile, sheet: str | int) -> str | None:
    """The zip member of a sheet given by name or 0-based index (via workbook.xml and its rels)."""
    sheets = _SHEET.findall(book.read("xl/workbook.xml"))
    rels_xml = book.read("xl/_rels/workbook.xml.rels")
    rels = dict(_REL.findall(rels_xml)) | {i: t for t, i in _REL_REVERSED.findall(rels_xml)}
    for index, (name, rel_id) in enumerate(sheets):
        if sheet == index or sheet == html.unescape(name.decode()):
            target = rels.get(rel_id, b"").decode()
            return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return None


def formula_cells(path: Path, sheet: str | int) -> tuple[int | None, dict[int, list[str]]]:
    """(the sheet row of the first non-empty cell, {sheet row: ["B3: =1/0", ...]}) for the sheet."""
    with zipfile.ZipFile(path) as book:
        member = sheet_xml_path(book, sheet)
        if member is None or member not in book.namelist():
            return None, {}
        xml = book.read(member)
    first, found = None, {}
    for column, row, body in _CELL.findall(xml):
        if not body:
            continue
        row_number = int(row)
        first = row_number if first is None else min(first, row_number)
        formula = _FORMULA.search(body)
        if formula:
            text = html.unescape((formula.group(1) or b"(shared formula)").decode("utf-8", "replace"))
            found.setdefault(row_number, []).append(f"{column.decode()}{row_number}: ={text[:200]}")
    return first, found
