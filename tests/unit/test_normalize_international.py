"""International fields (issue 20): the generic identifier checked by its source's scheme, postcodes,
given and family names, a configurable birth-date range, and warehouses made before them."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import polars as pl
import pytest

from dq_project.normalize import normalize_date, normalize_frame
from dq_project.normalize.identifier import plan_identifier
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import open_warehouse


def _identifier(values: list[str | None], scheme: str) -> list[tuple]:
    return plan_identifier(pl.Series(values, dtype=pl.String), scheme).collect().rows()


def test_a_numeric_id_is_not_checked_as_a_chinese_id() -> None:
    assert _identifier(["1804974", "18 04-974", "12A4"], "numeric") == [
        ("1804974", "ok", None),
        ("1804974", "normalized", None),
        ("12A4", "invalid", "scheme:numeric"),  # kept as written (cleaned), flagged
    ]
    assert _identifier(["AB-12 3"], "alphanumeric") == [("AB123", "normalized", None)]
    assert _identifier(["anything 1", None], "none") == [
        ("ANYTHING1", "normalized", None),
        (None, "missing", "blank"),
    ]
    # the Chinese scheme delegates to the resident-ID check: checksum and all
    assert _identifier(["11010519491231002X", "110105194912310021"], "cn_resident_id") == [
        ("11010519491231002X", "ok", None),
        ("110105194912310021", "invalid", "checksum"),
    ]
    with pytest.raises(ValueError, match="identifier_scheme must be one of"):
        plan_identifier(pl.Series(["1"]), "ssn")


def test_frame_normalizes_the_new_fields_with_the_source_scheme() -> None:
    frame = pl.DataFrame(
        {
            "source_record_id": ["1", "2"],
            "given_name": [" Anna ", "张"],
            "family_name": ["Smith", None],
            "postcode": ["sw1a 1aa", "12#4"],
            "identifier": ["5304218", "11010519491231002X"],
            "birth_date": ["18500102", "1908-11-28"],
        }
    )
    out = normalize_frame(frame, identifier_scheme="numeric", birth_date_min=dt.date(1800, 1, 1))
    assert out["given_name"].to_list() == ["Anna", "张"]
    assert out["postcode"].to_list() == ["SW1A 1AA", None]
    assert out["postcode_status"].to_list() == ["normalized", "invalid"]
    assert out["identifier_status"].to_list() == ["ok", "invalid"]  # not a number under `numeric`
    assert out["birth_date"].to_list() == [dt.date(1850, 1, 2), dt.date(1908, 11, 28)]
    # the default range still ends at 1900
    default = normalize_frame(frame)
    assert default["birth_date"].to_list() == [None, dt.date(1908, 11, 28)]
    assert default["birth_date_reason"].to_list() == ["before_1900", None]
    assert default["identifier_status"].to_list() == ["ok", "ok"]  # scheme `none`: any value


def test_birth_date_range_is_configurable() -> None:
    out = normalize_date(pl.Series(["1850-01-01", "1799-12-31"]), not_before=dt.date(1800, 1, 1))
    assert out["value"].to_list() == [dt.date(1850, 1, 1), None]
    assert out["reason"].to_list() == [None, "before_1800"]
    odd = normalize_date(pl.Series(["1850-01-01"]), not_before=dt.date(1850, 6, 1))
    assert odd["reason"].to_list() == ["before_1850-06-01"]


def test_an_old_warehouse_gains_the_new_columns(tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema staging")
    # the staging table as dq created it before issues 20 and 21: today's without their columns
    ddl = (PROJECT_ROOT / "sql" / "staging" / "customers.sql").read_text(encoding="utf-8")
    create = ddl[ddl.index("create table") : ddl.index(");") + 2]
    new = ("given_name", "family_name", "postcode", "identifier", "country")  # country: issue 21, later
    old = "\n".join(line for line in create.splitlines() if not line.strip().startswith(new))
    con.execute(re.sub(r",\s*\n\);", "\n);", old))
    con.execute(
        "insert into staging.customers (snapshot_date, load_id, source, record_key, row_number, name) "
        "values ('2026-01-01', 'l1', 'crm', 'crm:1', 1, '张伟')"
    )
    assert "postcode" not in {
        c for (c,) in con.execute("select column_name from (describe staging.customers)").fetchall()
    }
    con.close()
    con = open_warehouse(path)
    columns = {c for (c,) in con.execute("select column_name from (describe staging.customers)").fetchall()}
    assert {
        "given_name",
        "family_name",
        "postcode",
        "identifier",
        "identifier_status",
        "postcode_reason",
    } <= columns
    assert con.execute("select name, identifier from staging.customers").fetchall() == [("张伟", None)]
    golden = {
        c for (c,) in con.execute("select column_name from (describe golden.customer_versions)").fetchall()
    }
    assert {"given_name", "family_name", "postcode", "identifier"} <= golden
    con.close()


def test_an_unknown_identifier_scheme_is_a_clear_config_error(tmp_path) -> None:
    from dq_project.settings import SettingsError, load_settings

    text = (PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8")
    path = tmp_path / "dq.toml"
    path.write_text(
        text.replace('identifier_scheme = "numeric"', 'identifier_scheme = "ssn"', 1), encoding="utf-8"
    )
    with pytest.raises(SettingsError, match=r"identifier_scheme[\s\S]*'none', 'numeric', 'alphanumeric'"):
        load_settings(path, env={})
