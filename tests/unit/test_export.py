"""Exports: formats by extension, formula injection neutralized in CSV, values that round-trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from dq_project.golden.export import export, neutralize_formulas
from dq_project.settings import Settings
from dq_project.warehouse.resource import open_warehouse


def test_formulas_are_neutralized() -> None:
    frame = pl.DataFrame(
        {
            "name": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "张三", None, "+1+A1", "-2.5"],
            "n": range(8),
        }
    )
    out = neutralize_formulas(frame)
    assert out["name"].to_list() == [
        '\'=HYPERLINK("http://x")',
        "+1",
        "-2",
        "'@SUM(A1)",
        "张三",
        None,
        "'+1+A1",
        "-2.5",
    ]
    assert out["n"].to_list() == list(range(8))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_export_golden_in_every_format(settings: Settings, tmp_path: Path, suffix: str) -> None:
    con = open_warehouse(settings.warehouse_path)
    con.execute("insert into golden.built_dates values ('2026-01-01', null), ('2026-01-02', null)")
    con.execute(
        "insert into golden.customer_versions (golden_id, name, record_count, sources, valid_from, valid_to) "
        "values ('G1', '=cmd|'' /C calc''!A0', 2, 'crm,erp', '2026-01-02', null), "
        "('G0', 'old', 1, 'crm', '2026-01-01', '2026-01-02')"
    )
    out = tmp_path / f"golden{suffix}"
    assert export(con, "golden", out, dt.date(2026, 1, 2)) == 1
    con.close()
    frame = {".csv": pl.read_csv, ".xlsx": pl.read_excel, ".parquet": pl.read_parquet}[suffix](out)
    assert frame["golden_id"].to_list() == ["G1"]
    expected = "'=cmd|' /C calc'!A0" if suffix == ".csv" else "=cmd|' /C calc'!A0"  # xlsx: a string cell
    assert frame["name"].to_list() == [expected]


def test_unknown_export_and_format(settings: Settings, tmp_path: Path) -> None:
    con = open_warehouse(settings.warehouse_path)
    with pytest.raises(ValueError, match="unknown export"):
        export(con, "everything", tmp_path / "x.csv", dt.date(2026, 1, 1))
    with pytest.raises(ValueError, match="unsupported export format"):
        export(con, "golden", tmp_path / "x.json", dt.date(2026, 1, 1))
    con.close()


GOLDEN = {
    "mobile": "+8615594982632",
    "phone": "+862161234567",
    "email": "li.na@example.cn",
    "name": "李娜",
    "address": "-1层 上海市浦东新区",
}


@pytest.fixture
def golden_row(settings: Settings) -> None:
    """One golden record whose phones are E.164 and whose address starts with '-'."""
    con = open_warehouse(settings.warehouse_path)
    con.execute("insert into golden.built_dates values ('2026-01-02', null)")
    columns = ", ".join(GOLDEN)
    con.execute(
        f"insert into golden.customer_versions (golden_id, {columns}, record_count, sources, valid_from) "
        f"values ('G1', {', '.join('?' * len(GOLDEN))}, 1, 'crm', '2026-01-02')",
        list(GOLDEN.values()),
    )
    con.close()


def _export(settings: Settings, out: Path) -> None:
    con = open_warehouse(settings.warehouse_path)
    assert export(con, "golden", out, dt.date(2026, 1, 2)) == 1
    con.close()


def test_csv_golden_export_round_trips(settings: Settings, tmp_path: Path, golden_row: None) -> None:
    """Re-imported as text (as a CRM import does), every value is the golden record's: E.164 phones
    carry no apostrophe; only a formula-like address would."""
    out = tmp_path / "golden.csv"
    _export(settings, out)
    back = pl.read_csv(out, infer_schema=False).row(0, named=True)
    assert {k: back[k] for k in GOLDEN} == {**GOLDEN, "address": "'-1层 上海市浦东新区"}
    assert "'+86" not in out.read_text(encoding="utf-8")


def test_xlsx_golden_export_round_trips(settings: Settings, tmp_path: Path, golden_row: None) -> None:
    """xlsx: string cells, values exactly as stored, read back by openpyxl and by Polars."""
    out = tmp_path / "golden.xlsx"
    _export(settings, out)
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    cells = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert {k: cells[k].value for k in GOLDEN} == GOLDEN
    assert all(cells[k].data_type == "s" for k in GOLDEN)  # strings, not numbers or formulas
    back = pl.read_excel(out).row(0, named=True)
    assert {k: back[k] for k in GOLDEN} == GOLDEN
