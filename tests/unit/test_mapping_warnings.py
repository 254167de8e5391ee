"""Loud about what could not be mapped (dq_project/sources/mapping_check.py): absent or all-blank mapped
columns and JSON paths no record has are warnings (load outcome, raw.mapping_warnings, `dq ingest`,
the audit report), errors for required columns; loose header matches are reported; `header_row`
skips a title row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from dq_project.cli.app import app
from dq_project.reporting.report import render_report
from dq_project.settings import Settings, SourceSettings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import query_sql

DAY = dt.date(2026, 1, 2)


def _load(tmp_path: Path, text: str, suffix: str = ".csv", **source: object):
    path = tmp_path / f"export{suffix}"
    path.write_text(text, encoding="utf-8")
    settings = Settings(
        home=tmp_path / "home", sources=[SourceSettings(name="s", primary_key="id", **source)]
    )
    con = open_warehouse(settings.warehouse_path)
    try:
        outcome = load_file(con, settings.sources[0], LandedFile("s", path, DAY))
        stored = query_sql(con, "raw/select_mapping_warnings", snapshot_date=DAY.isoformat()).fetchall()
        html = render_report(con, settings, DAY).read_text(encoding="utf-8")
    finally:
        con.close()
    return outcome, stored, html


def test_absent_and_blank_mapped_columns_are_warnings_stored_and_reported(tmp_path: Path) -> None:
    mapping = {"source_record_id": "id", "name": "name", "mobile": "mobile", "email": "Email"}
    outcome, stored, html = _load(tmp_path, "id,name,mobile\n1,a,\n2,b, \n", mapping=mapping)
    assert outcome.rows_loaded == 2
    assert outcome.warnings == [
        "mapped column 'Email' is not in the file; it maps to null",
        "mapped column 'mobile' is blank in every row of the file",
    ]
    assert [(kind, ref) for _s, _f, kind, ref, _m in stored] == [("absent", "Email"), ("all_null", "mobile")]
    assert 'id="mapping-warnings"' in html and "blank in every row of the file" in html


def test_a_required_column_blank_in_every_row_stops_the_load(tmp_path: Path) -> None:
    mapping = {"source_record_id": "id", "name": "name", "mobile": "mobile"}
    # Since i19b the file is quarantined whole (raw.quarantined_files) instead of raising.
    outcome, _stored, _html = _load(
        tmp_path, "id,name,mobile\n1,a,\n", mapping=mapping, required_columns=["id", "mobile"]
    )
    assert outcome.status == "quarantined"
    assert "required column(s) ['mobile'] are blank in every row" in outcome.problem
    con = open_warehouse(tmp_path / "home" / "warehouse.duckdb")
    assert con.sql("select count(*) from raw.customer_rows").fetchone() == (0,)
    con.close()


def test_a_spaced_header_matches_loosely_and_says_so(tmp_path: Path) -> None:
    """FEBRL's header has a space after each comma: `given_name` maps and the match is reported."""
    text = "id, given_name, surname\nrec-1-org, mitchell, green\n"
    mapping = {"source_record_id": "id", "name": ["given_name", "surname"]}
    outcome, stored, _html = _load(tmp_path, text, mapping=mapping)
    assert outcome.missing_columns == [] and outcome.extra_columns == []
    assert (
        "'given_name' matched column ' given_name' (ignoring surrounding spaces, BOM and case)"
        in outcome.warnings
    )
    assert {kind for _s, _f, kind, _r, _m in stored} == {"loose_header"}


def test_a_json_path_no_record_has_is_a_warning(tmp_path: Path) -> None:
    text = '{"id": "1", "region": {"city": "深圳市"}}\n{"id": "2", "region": {"city": "杭州市"}}\n'
    mapping = {"source_record_id": "id", "province": "region.province", "city": "region.city"}
    outcome, _stored, _html = _load(
        tmp_path, text, ".jsonl", mapping=mapping, format="jsonl", pattern="*.jsonl"
    )
    assert outcome.warnings == [
        "mapped path 'province' of column 'region' is blank in every row of the file",
    ]


def test_header_row_skips_a_title_row_above_the_header(tmp_path: Path) -> None:
    text = "客户列表 导出时间 2026-01-02,,\nid,name,mobile\n1,张三,13812345678\n2,李四,\n"
    mapping = {"source_record_id": "id", "name": "name", "mobile": "mobile"}
    outcome, _stored, _html = _load(tmp_path, text, mapping=mapping, header_row=2)
    assert (outcome.rows_loaded, outcome.rows_quarantined, outcome.missing_columns) == (2, 0, [])
    (tmp_path / "b").mkdir()
    title_as_header, _stored, _html = _load(tmp_path / "b", text, mapping=mapping)  # loud: quarantined
    assert (
        title_as_header.status == "quarantined"
        and "required column(s) ['id'] missing" in title_as_header.problem
    )


def test_dq_ingest_prints_the_warnings(tmp_path: Path) -> None:
    config = tmp_path / "dq.toml"
    config.write_text(
        '[access]\ndefault_role = "admin"\n[[sources]]\nname = "s"\nprimary_key = "id"\n'
        '[sources.mapping]\nsource_record_id = "id"\nemail = "Email"\n',
        encoding="utf-8",
    )
    export = tmp_path / "s_2026-01-02.csv"
    export.write_text("id,name\n1,a\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "ingest",
            str(export),
            "--source",
            "s",
            "--no-run",
            "--config",
            str(config),
            "--home",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "warning: mapped column 'Email' is not in the file; it maps to null" in result.output
