"""Exports: formats by extension, formula injection neutralized in spreadsheet formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dq_project.export import export, neutralize_formulas
from dq_project.resources import open_warehouse
from dq_project.settings import Settings


def test_formulas_are_neutralized() -> None:
    frame = pl.DataFrame(
        {"name": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "张三", None], "n": range(6)}
    )
    out = neutralize_formulas(frame)
    assert out["name"].to_list() == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "张三", None]
    assert out["n"].to_list() == list(range(6))


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
    expected = "=cmd|' /C calc'!A0" if suffix == ".parquet" else "'=cmd|' /C calc'!A0"
    assert frame["name"].to_list() == [expected]


def test_unknown_export_and_format(settings: Settings, tmp_path: Path) -> None:
    con = open_warehouse(settings.warehouse_path)
    with pytest.raises(ValueError, match="unknown export"):
        export(con, "everything", tmp_path / "x.csv", dt.date(2026, 1, 1))
    with pytest.raises(ValueError, match="unsupported export format"):
        export(con, "golden", tmp_path / "x.json", dt.date(2026, 1, 1))
    con.close()
