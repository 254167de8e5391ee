"""Landing files into raw: every row kept or quarantined, each file content loaded once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dq_project.settings import Settings
from dq_project.sources.ingest import LandedFile, discover, files_for_partition, load_file
from dq_project.warehouse.resource import open_warehouse

HEADER = "customer_id,type,full_name,mobile\n"


def _land(settings: Settings, name: str, text: str, source: str = "crm") -> Path:
    path = settings.landing_dir / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _load(settings: Settings, path: Path):
    con = open_warehouse(settings.warehouse_path)
    try:
        landed = LandedFile("crm", path, dt.date(2026, 1, 2))
        return (
            load_file(con, settings.source("crm"), landed),
            con.sql("select row_number, record from raw.customer_rows order by row_number").fetchall(),
            con.sql("select line, reason, raw_text from raw.quarantine order by line").fetchall(),
        )
    finally:
        con.close()


def test_rows_kept_as_received_and_broken_rows_quarantined(settings: Settings) -> None:
    text = HEADER + 'C1,person,张三,138 1234 5678\nC2,person\n"C3",person,"Li, Si\nJr",+86 139\nC4,a,b,c,d\n'
    outcome, rows, quarantine = _load(settings, _land(settings, "crm_2026-01-02.csv", text))
    assert outcome.status == "loaded"
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (2, 2)
    assert json.loads(rows[0][1]) == {
        "customer_id": "C1",
        "type": "person",
        "full_name": "张三",
        "mobile": "138 1234 5678",
    }
    assert json.loads(rows[1][1])["full_name"] == "Li, Si\nJr"
    assert [q[2] for q in quarantine] == ["C2,person", "C4,a,b,c,d"]
    assert all(q[1] for q in quarantine)


def test_same_content_is_loaded_once(settings: Settings) -> None:
    path = _land(settings, "crm_2026-01-02.csv", HEADER + "C1,person,张三,13812345678\n")
    first, _, _ = _load(settings, path)
    second, rows, _ = _load(settings, path)
    assert (first.status, second.status) == ("loaded", "already_loaded")
    assert second.load_id == first.load_id and len(rows) == 1
    path.write_text(HEADER + "C1,person,张三,13812345679\n", encoding="utf-8")
    third, rows, _ = _load(settings, path)
    assert third.status == "loaded" and len(rows) == 2


@pytest.mark.parametrize("text", ["", HEADER])
def test_empty_and_header_only_files_load_zero_rows(settings: Settings, text: str) -> None:
    outcome, rows, quarantine = _load(settings, _land(settings, "crm_2026-01-02.csv", text))
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 0, 0)
    assert rows == [] and quarantine == []


def test_discover_uses_the_date_in_the_file_name(settings: Settings) -> None:
    _land(settings, "crm_2026-01-02.csv", HEADER)
    _land(settings, "export_2026-01-03.csv", HEADER, source="erp")
    _land(settings, "notes.txt", "x")
    found = {(f.source, f.snapshot_date.isoformat()) for f in discover(settings)}
    assert found == {("crm", "2026-01-02"), ("erp", "2026-01-03")}
    assert [f.source for f in files_for_partition(settings, dt.date(2026, 1, 3))] == ["erp"]
