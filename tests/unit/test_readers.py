"""Every reader through the real load path: exact rows, quarantine lines and reasons per input."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from dq_project.settings import Settings, SourceSettings
from dq_project.sources.ingest import LandedFile, LoadOutcome, load_file
from dq_project.sources.readers.encoding import detect_encoding
from dq_project.warehouse.resource import open_warehouse

INPUTS = Path(__file__).resolve().parents[1] / "fixtures" / "inputs"
GBK_TEXT = "客户编号,姓名,城市\nK1,张三,北京\nK2,李四,广州\n"
Loaded = tuple[LoadOutcome, list[tuple[int, dict]], list[tuple[int, str, str]]]


def _source(**options: object) -> SourceSettings:
    key = str(options.pop("key", "id"))
    return SourceSettings(name="src", primary_key=key, mapping={"source_record_id": key}, **options)


def _load(settings: Settings, path: Path, **options: object) -> Loaded:
    con = open_warehouse(settings.warehouse_path)
    try:
        outcome = load_file(con, _source(**options), LandedFile("src", path, dt.date(2026, 1, 2)))
        rows = con.sql("select row_number, record from raw.customer_rows order by row_number").fetchall()
        quarantine = con.sql("select line, reason, raw_text from raw.quarantine order by line").fetchall()
    finally:
        con.close()
    assert outcome.rows_loaded == len(rows) and outcome.rows_quarantined == len(quarantine)
    return outcome, [(n, json.loads(record)) for n, record in rows], quarantine


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["gbk", "auto"])
def test_gbk_file_with_chinese_headers(settings: Settings, tmp_path: Path, encoding: str) -> None:
    path = _write(tmp_path, "erp.csv", GBK_TEXT.encode("gbk"))
    outcome, rows, quarantine = _load(settings, path, key="客户编号", encoding=encoding)
    assert outcome.encoding == ("gbk" if encoding == "gbk" else "gb18030")
    assert rows == [
        (1, {"客户编号": "K1", "姓名": "张三", "城市": "北京"}),
        (2, {"客户编号": "K2", "姓名": "李四", "城市": "广州"}),
    ]
    assert quarantine == []


def test_gb18030_file_with_a_rare_character(settings: Settings, tmp_path: Path) -> None:
    # 𠀀 (U+20000) is outside GBK: GB18030 encodes it in four bytes.
    path = _write(tmp_path, "rare.csv", "id,name\n1,王𠀀\n2,䶮\n".encode("gb18030"))
    outcome, rows, quarantine = _load(settings, path, encoding="gb18030")
    assert [r[1]["name"] for r in rows] == ["王𠀀", "䶮"] and quarantine == []
    assert outcome.encoding == "gb18030"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "auto"])
def test_utf8_with_bom(settings: Settings, tmp_path: Path, encoding: str) -> None:
    path = _write(tmp_path, "bom.csv", "\ufeffid,姓名\n1,张三\n".encode())
    outcome, rows, quarantine = _load(settings, path, encoding=encoding)
    assert outcome.encoding == "utf-8-sig" and outcome.missing_columns == []
    assert rows == [(1, {"id": "1", "姓名": "张三"})] and quarantine == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeffid\n1\n".encode(), "utf-8-sig"),
        ("id,name\n1,张三\n".encode(), "utf-8"),
        ("id,name\n1,张三\n".encode("gbk"), "gb18030"),
        # a 3-byte character cut by the end of the sample is still UTF-8
        ("id,name\n1,张三\n".encode()[:-3], "utf-8"),
        # mostly UTF-8 with one stray byte: UTF-8 (its bad line is quarantined, not misread)
        (("id,name\n" + "1,张三李四王五\n" * 10).encode() + b"2,\xff\n", "utf-8"),
    ],
)
def test_auto_detection(tmp_path: Path, data: bytes, expected: str) -> None:
    assert detect_encoding(_write(tmp_path, "f.csv", data), sample_bytes=len(data) - 2) == expected


def test_gbk_file_with_an_undecodable_line(settings: Settings, tmp_path: Path) -> None:
    lines = GBK_TEXT.encode("gbk").splitlines(keepends=True)
    junk = b"K9,\x81\x20junk,\xfe\n"
    data = lines[0] + lines[1] + junk + lines[2] + b"K3,\xb9\xfe\n"  # last: a short row
    outcome, rows, quarantine = _load(
        settings, _write(tmp_path, "junk.csv", data), key="客户编号", encoding="gbk"
    )
    assert [r[1]["客户编号"] for r in rows] == ["K1", "K2"]
    assert [(q[0], q[2]) for q in quarantine] == [(3, "K9,\\x81 junk,\\xfe"), (5, "K3,哈")]
    assert quarantine[0][1] == "undecodable bytes for gbk at byte 4 of the line (file offset 35)"
    assert quarantine[1][1].startswith("MISSING COLUMNS")
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (2, 2)


def test_utf8_file_with_invalid_bytes_is_caught_by_duckdb(settings: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", b"id,name\n1,a\n2,\xff\xfe\n3,c\n")
    _, rows, quarantine = _load(settings, path, encoding="utf-8")
    assert [r[1]["id"] for r in rows] == ["1", "3"]
    assert [(q[0], q[1].split(":")[0]) for q in quarantine] == [(3, "INVALID ENCODING")]


def test_gbk_header_that_does_not_decode_quarantines_the_file(settings: Settings, tmp_path: Path) -> None:
    outcome, rows, quarantine = _load(settings, _write(tmp_path, "h.csv", b"id,\x81\n1,a\n"), encoding="gbk")
    assert (outcome.status, rows, quarantine) == ("quarantined", [], [])
    assert "header line is not valid gbk" in outcome.problem and "encoding" in outcome.action


@pytest.mark.parametrize(("name", "delimiter"), [("semicolon.csv", ";"), ("tab.tsv", "\t")])
def test_delimited_csv(settings: Settings, name: str, delimiter: str) -> None:
    _, rows, quarantine = _load(settings, INPUTS / name, delimiter=delimiter)
    assert [r[1]["name"] for r in rows] == ["张三", "Li; Si" if delimiter == ";" else "Li Si"]
    assert rows[0][1]["city"] == "北京" and quarantine == []


def test_quoted_multiline_fields(settings: Settings) -> None:
    _, rows, quarantine = _load(settings, INPUTS / "multiline.csv")
    assert rows == [
        (1, {"id": "1", "note": "line one\nline two", "city": "北京"}),
        (2, {"id": "2", "note": 'said "hi"', "city": "上海"}),
        (3, {"id": "4", "note": "x", "city": "广州"}),
    ]
    # DuckDB numbers rejects by record: the short row '3' is record line 4 (physical line 5).
    assert [(q[0], q[1].split(":")[0], q[2]) for q in quarantine] == [(4, "MISSING COLUMNS", "3")]


def test_header_only_csv(settings: Settings, tmp_path: Path) -> None:
    outcome, rows, quarantine = _load(settings, _write(tmp_path, "h.csv", b"id,name\n"))
    assert (outcome.rows_loaded, outcome.rows_quarantined, rows, quarantine) == (0, 0, [], [])


@pytest.mark.parametrize(("fmt", "name"), [("csv", "z.csv"), ("xlsx", "z.xlsx"), ("jsonl", "z.jsonl"),
                                           ("parquet", "z.parquet")])  # fmt: skip
def test_zero_byte_file(settings: Settings, tmp_path: Path, fmt: str, name: str) -> None:
    outcome, rows, quarantine = _load(settings, _write(tmp_path, name, b""), format=fmt)
    assert (outcome.status, outcome.rows_loaded, outcome.encoding, rows, quarantine) == (
        "loaded", 0, None, [], [],
    )  # fmt: skip


def _workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    first = book.add_worksheet("客户")
    first.write_row(0, 0, ["id", "mobile", "amount", "birthday", "created", "vip"])
    date, stamp = (
        book.add_format({"num_format": "yyyy-mm-dd"}),
        book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    )
    first.write_row(1, 0, ["C1", 13812345678, 1.5])
    first.write_datetime(1, 3, dt.datetime(1985, 3, 12), date)
    first.write_datetime(1, 4, dt.datetime(2023, 1, 5, 10, 22, 33), stamp)
    first.write_boolean(1, 5, True)
    first.write_row(3, 0, ["C2", "013800000000", 2])  # row 3 (index 2) stays empty
    first.write_row(4, 0, ["   "])
    second = book.add_worksheet("second")
    second.write_row(0, 0, ["id", "name"])
    second.write_row(1, 0, [7, "张三"])
    book.close()
    return path


@pytest.mark.parametrize("sheet", [None, 0, "客户"])
def test_xlsx_first_sheet_values_as_text(settings: Settings, tmp_path: Path, sheet: object) -> None:
    outcome, rows, quarantine = _load(settings, _workbook(tmp_path / "c.xlsx"), format="xlsx", sheet=sheet)
    assert rows == [
        (1, {"id": "C1", "mobile": "13812345678", "amount": "1.5", "birthday": "1985-03-12",
             "created": "2023-01-05 10:22:33", "vip": "true"}),
        (3, {"id": "C2", "mobile": "013800000000", "amount": "2", "birthday": None,
             "created": None, "vip": None}),
    ]  # fmt: skip
    assert quarantine == [] and outcome.encoding is None


@pytest.mark.parametrize("sheet", [1, "second"])
def test_xlsx_second_sheet(settings: Settings, tmp_path: Path, sheet: object) -> None:
    _, rows, _ = _load(settings, _workbook(tmp_path / "c.xlsx"), format="xlsx", sheet=sheet)
    assert rows == [(1, {"id": "7", "name": "张三"})]


@pytest.mark.parametrize("sheet", [2, "third"])
def test_xlsx_missing_sheet(settings: Settings, tmp_path: Path, sheet: object) -> None:
    outcome, rows, _ = _load(settings, _workbook(tmp_path / "c.xlsx"), format="xlsx", sheet=sheet)
    assert (outcome.status, rows) == ("quarantined", [])
    assert re.search(r"no sheet .*; the workbook has sheets \['客户', 'second'\]", outcome.problem)


def test_jsonl(settings: Settings) -> None:
    outcome, rows, quarantine = _load(settings, INPUTS / "customers.jsonl", format="jsonl")
    assert rows == [
        (1, {"id": "1", "name": "张三", "age": "30", "vip": "true", "score": "1.5"}),
        (3, {"id": "2", "address": '{"city":"上海","zip":"200000"}', "tags": '["a","b"]', "name": None}),
        (8, {"id": "4", "a/b": "slash", "id2": "13812345678"}),
    ]
    assert [(q[0], q[2]) for q in quarantine] == [
        (4, '{"id": "3", "name": '), (6, "[1, 2]"), (7, '"just a string"'),
    ]  # fmt: skip
    assert quarantine[0][1].startswith("broken JSON: Expecting value: line 1")
    assert [q[1] for q in quarantine[1:]] == [
        "not a JSON object (a JSON array line)", "not a JSON object (a JSON varchar line)",
    ]  # fmt: skip
    assert outcome.extra_columns == ["name", "age", "vip", "score", "address", "tags", "a/b", "id2"]


def test_jsonl_in_gbk_with_an_undecodable_line(settings: Settings, tmp_path: Path) -> None:
    data = '{"id": "1", "name": "张三"}\n'.encode("gbk") + b'{"id": "\x81"}\n' + b'{"id": "3"}\n'
    outcome, rows, quarantine = _load(settings, _write(tmp_path, "g.jsonl", data), format="jsonl")
    assert outcome.encoding == "gb18030"
    assert rows == [(1, {"id": "1", "name": "张三"}), (3, {"id": "3"})]
    assert [(q[0], q[2]) for q in quarantine] == [(2, '{"id": "\\x81"}')]


_UTF8_LINES = (
    '\ufeff{"id": "1", "name": "张三"}\r\n'.encode()
    + b'{"id": "2", "name": "\xff"}\n'
    + '{"id": "3", "name": "李四", "id": "x"}\n\n{"id": "4"}\n'.encode()
)


def test_jsonl_declared_utf8_with_a_stray_byte(settings: Settings, tmp_path: Path) -> None:
    """One bad byte sends the whole file through the transcoded copy (DuckDB reads only valid
    UTF-8): only that line is quarantined, with its own line number."""
    path = _write(tmp_path, "u.jsonl", _UTF8_LINES)
    outcome, rows, quarantine = _load(settings, path, format="jsonl", encoding="utf-8")
    assert rows == [(1, {"id": "1", "name": "张三"}), (5, {"id": "4"})]
    assert [(q[0], q[1][:17]) for q in quarantine] == [(2, "undecodable bytes"), (3, "JSON object with ")]


def test_jsonl_valid_utf8_read_by_duckdb(settings: Settings, tmp_path: Path) -> None:
    """The same lines in valid UTF-8 (BOM, CRLF, a repeated key, a blank line) read straight by DuckDB."""
    path = _write(tmp_path, "v.jsonl", _UTF8_LINES.replace(b"\xff", b"x"))
    outcome, rows, quarantine = _load(settings, path, format="jsonl", encoding="utf-8")
    assert rows == [(1, {"id": "1", "name": "张三"}), (2, {"id": "2", "name": "x"}), (5, {"id": "4"})]
    assert [(q[0], q[1]) for q in quarantine] == [(3, "JSON object with a repeated key")]
    assert outcome.extra_columns == ["name"]


def test_parquet(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pl.DataFrame(
        {
            "id": [1, 2, None],
            "mobile": [13812345678, None, 13900000000],
            "born": [dt.date(1985, 3, 12), None, dt.date(2000, 1, 1)],
            "seen": [dt.datetime(2023, 1, 5, 10, 22, 33), dt.datetime(2023, 1, 6), None],
            "score": [1.5, 2.0, None],
            "tags": [["a", "b"], None, []],
        }
    ).write_parquet(path)
    outcome, rows, quarantine = _load(settings, path, format="parquet")
    assert rows == [
        (1, {"id": "1", "mobile": "13812345678", "born": "1985-03-12", "seen": "2023-01-05 10:22:33",
             "score": "1.5", "tags": '["a","b"]'}),
        (2, {"id": "2", "mobile": None, "born": None, "seen": "2023-01-06 00:00:00", "score": "2.0",
             "tags": None}),
    ]  # fmt: skip
    # The row with a null key is quarantined with a reason and its record, not silently skipped.
    ((line, reason, raw_text),) = quarantine
    assert (line, reason) == (3, "no key: the primary key column id is empty")
    assert json.loads(raw_text) == {"id": None, "mobile": "13900000000", "born": "2000-01-01", "seen": None,
                                    "score": None, "tags": "[]"}  # fmt: skip
    assert outcome.encoding is None
