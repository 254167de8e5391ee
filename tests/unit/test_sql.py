"""Every SQL file is used by the code, parses, and the loader binds parameters per statement."""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest

from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse import sql as sql_module
from dq_project.warehouse.resource import TABLES, open_warehouse
from dq_project.warehouse.sql import (
    SQL_DIR,
    load_sql,
    query_frame,
    query_sql,
    query_template_union,
    run_sql,
    session_settings,
    sql_code,
    statements,
)

ALL_SQL = sorted(p.relative_to(SQL_DIR).with_suffix("").as_posix() for p in SQL_DIR.rglob("*.sql"))


def _python_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "dq_project").rglob("*.py"))


@pytest.mark.parametrize("name", ALL_SQL)
def test_every_sql_file_is_referenced(name: str) -> None:
    assert re.search(rf"[\"']{re.escape(name)}[\"']", _python_sources()), f"sql/{name}.sql is unused"


def test_warehouse_bootstrap_creates_every_table(tmp_path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    tables = {
        f"{s}/{t}"
        for s, t in con.sql("select table_schema, table_name from information_schema.tables").fetchall()
    }
    con.close()
    assert {t for t in TABLES if t != "staging/current_customers"} <= tables


def test_statements_split_and_bind_only_their_parameters(tmp_path) -> None:
    assert len(statements("quality/delete_rule_results_partition")) == 3  # results, failures, counts
    con = open_warehouse(tmp_path / "w.duckdb")
    run_sql(con, "quality/delete_rule_results_partition", snapshot_date="2024-01-01", unused="x")
    assert query_sql(con, "quality/select_kpis", snapshot_date="2024-01-01").fetchall() == []
    with pytest.raises(KeyError, match="needs parameters"):
        run_sql(con, "quality/delete_rule_results_partition")


def test_query_frame_equals_query_sql_pl(tmp_path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    rows = [
        ("a", "old", "2024-01-01", "l1"),
        ("a", "new", "2024-01-02", "l2"),
        ("b", "x", "2024-01-03", "l3"),
    ]
    for key, name, day, load in rows:
        con.execute(
            "insert into staging.customers by name select $key as record_key, $name as name, "
            "cast($day as date) as snapshot_date, $load as load_id, 's' as source, 1 as row_number",
            {"key": key, "name": name, "day": day, "load": load},
        )
    for day in ("2024-01-01", "2024-01-02", "2024-01-03"):
        expected = query_sql(con, "staging/select_current_customers", as_of_date=day).pl()
        frame = query_frame(con, "staging/select_current_customers", as_of_date=day, unused="x")
        assert frame.equals(expected) and frame.schema == expected.schema
    assert query_frame(con, "staging/select_current_customers", as_of_date="2024-01-02")[
        "name"
    ].to_list() == ["new"]


def test_query_template_union_is_the_distinct_union_of_its_branches(tmp_path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    con.execute(
        "insert into matching.features (record_key, customer_type, id_number, mobile) values "
        "('a', 'person', 'X1', 'M1'), ('b', 'person', 'X1', 'M2'), ('c', 'person', 'X9', 'M1'), "
        "('d', 'company', 'X1', 'M1'), ('n', 'person', 'X1', 'M1')"
    )
    new = pl.DataFrame({"record_key": ["n"], "id_number": ["X1"], "mobile": ["M1"]})
    con.register("new_features", new.to_arrow())
    rules = [{"rule": "l.id_number = r.id_number"}, {"rule": "l.mobile = r.mobile"}]
    found = query_template_union(con, "matching/select_blocking_candidates", rules, customer_type="person")
    # a by both rules (once), b by the ID, c by the mobile; d is a company, n the new record itself
    assert sorted(found["record_key"].to_list()) == ["a", "b", "c"]


def test_sql_code_ignores_comments_but_not_code(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sql_module, "SQL_DIR", tmp_path)
    load_sql.cache_clear()
    versions = {
        "a": "-- why\nselect 1 as x;  -- one\n\nselect 2;\n",
        "b": "-- why, said otherwise\nselect 1 as x;\nselect 2;   \n",
        "c": "-- why\nselect 1 as y;\nselect 2;\n",
    }
    try:
        codes = {}
        for name, text in versions.items():
            (tmp_path / f"{name}.sql").write_text(text, encoding="utf-8")
            codes[name] = sql_code(name)
    finally:
        load_sql.cache_clear()
    assert codes["a"] == codes["b"] == "select 1 as x;\nselect 2;"
    assert codes["c"] != codes["a"]


def test_session_settings_are_reset_after_the_block_also_when_it_fails() -> None:
    con = duckdb.connect()
    setting = (
        "select current_setting('preserve_insertion_order'), current_setting('disabled_compression_methods')"
    )
    before = con.execute(setting).fetchall()
    wanted = {"preserve_insertion_order": False, "disabled_compression_methods": "fsst,dictionary"}
    with session_settings(con, wanted):
        assert con.execute(setting).fetchall() == [(False, "Dictionary,FSST")]
    with pytest.raises(duckdb.Error), session_settings(con, wanted):
        con.execute("select * from no_such_table")
    assert con.execute(setting).fetchall() == before
    with pytest.raises(ValueError):
        session_settings(con, {"memory_limit = '1GB'; drop table x; --": "1"}).__enter__()


def test_unknown_sql_name_is_an_error() -> None:
    with pytest.raises(FileNotFoundError):
        load_sql("raw/no_such_file")


def test_an_old_staging_table_gains_the_country_columns(tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create schema staging")
    old.execute(
        "create table staging.customers (snapshot_date date not null, load_id varchar not null, "
        "source varchar not null, record_key varchar, row_number bigint not null, name varchar)"
    )
    old.execute("insert into staging.customers values ('2024-01-01', 'l1', 's', 'k', 1, '张三')")
    old.close()
    con = open_warehouse(path)
    columns = {row[0] for row in con.execute("describe staging.customers").fetchall()}
    assert {"country", "country_status", "country_reason"} <= columns
    assert con.execute("select name, country from staging.customers").fetchall() == [("张三", "CN")]
