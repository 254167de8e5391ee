"""Status reasons, e-mail domain typos, resident-ID region codes and administrative divisions."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from stdnum.cn import ric

from dq_project.normalize import normalize_frame
from dq_project.normalize.address import normalize_divisions
from dq_project.normalize.cn_ids import normalize_credit_code, normalize_resident_id
from dq_project.normalize.dates import normalize_date
from dq_project.normalize.divisions import county_table, known_region_codes, short_province
from dq_project.normalize.email import normalize_email
from dq_project.normalize.phone import normalize_mobile, normalize_phone
from dq_project.normalize.text import normalize_text

TODAY = dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        (None, "blank"),
        ("  ", "blank"),
        ("无", "placeholder:无"),
        ("Ｎ／Ａ", "placeholder:N/A"),
        ("test", "placeholder:test"),
        ("张三", None),
    ],
)
def test_text_reasons(written, reason) -> None:
    assert normalize_text(pl.Series([written], dtype=pl.String))["reason"][0] == reason


@pytest.mark.parametrize(
    ("written", "status", "reason"),
    [
        ("138-1234-5678", "normalized", None),
        ("１３８１２３４５６７８", "normalized", None),
        ("1381234567", "invalid", "bad_length"),
        ("12812345678", "invalid", "bad_prefix"),
        ("010-12345678", "invalid", "not_mobile"),
        ("abc", "invalid", "format"),
        ("13800000000", "missing", "placeholder:13800000000"),
        ("111 1111 1111", "missing", None),
    ],
)
def test_mobile_reasons(written, status, reason) -> None:
    out = normalize_mobile(pl.Series([written]))
    assert out["status"][0] == status
    if reason is not None:
        assert out["reason"][0] == reason


def test_landline_reasons() -> None:
    out = normalize_phone(pl.Series(["010-12345678", "13812345678"]))
    assert out["reason"].to_list() == [None, "not_landline"]


@pytest.mark.parametrize(
    ("written", "status", "reason", "suggestion"),
    [
        ("ZHANG@QQ.COM", "normalized", None, None),
        ("zhang@qq.con", "invalid", "domain_typo:qq.com", "zhang@qq.com"),
        ("li@gmial.com", "invalid", "domain_typo:gmail.com", "li@gmail.com"),
        ("li@163.cm", "invalid", "domain_typo:163.com", "li@163.com"),
        ("wang@hotmial.com", "invalid", "domain_typo:hotmail.com", "wang@hotmail.com"),
        ("li@@163.com", "invalid", "multiple_at", None),
        ("li163.com", "invalid", "no_at", None),
        ("li @163.com", "invalid", "space", None),
        ("li@163com", "invalid", "domain", None),
    ],
)
def test_email_reasons_and_typo_suggestions(written, status, reason, suggestion) -> None:
    out = normalize_email(pl.Series([written]))
    assert out.row(0) == (out["value"][0], status, reason, suggestion)
    assert out["value"][0] == written.lower()  # a typo is flagged, never silently corrected


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("1990-02-30", "impossible_date"),
        ("1990年13月1日", "impossible_date"),
        ("1850-01-01", "before_1900"),
        ("2050-01-01", "future_date"),
        ("soon", "unparseable"),
        ("-", "placeholder:-"),
    ],
)
def test_date_reasons(written, reason) -> None:
    out = normalize_date(pl.Series([written]), not_after=TODAY)
    assert out.row(0) == (None, "missing" if reason.startswith("placeholder") else "invalid", reason)


def test_resident_id_reasons_and_region() -> None:
    body = "99999919491231002"  # region 999999 is in no division table
    ids = ["11010519491231002X", "110105194912310021", "1101051949123100", body + ric.calc_check_digit(body)]
    out = normalize_resident_id(pl.Series(ids), today=TODAY)
    assert out["reason"].to_list()[:3] == [None, "checksum", "format"]
    assert out["region_known"][0] is True
    unknown = out.filter(pl.col("status") != "invalid")
    assert unknown.height == 2 and unknown["region_known"].to_list() == [True, False]
    assert "110105" in known_region_codes() and "110103" in known_region_codes()  # retired 崇文区


def test_credit_code_reasons() -> None:
    out = normalize_credit_code(pl.Series(["91110000600037341L", "91110000600037341A", "ABC"]))
    assert out["reason"].to_list() == [None, "checksum", "format"]


def test_division_table_is_complete() -> None:
    table = county_table()
    assert table.height > 2800 and table["province"].n_unique() >= 31
    row = table.filter(pl.col("code") == "440305").row(0)
    assert row == ("440305", "广东省", "深圳市", "南山区")
    assert table.filter(pl.col("code") == "110105")["city"][0] == "北京市"
    assert short_province("广西壮族自治区") == "广西" and short_province("北京市") == "北京"


def test_divisions_standardized_and_filled_from_address() -> None:
    out = normalize_divisions(
        pl.Series(["北京", "广东", None, None, "火星省", None]),
        pl.Series(["北京", None, None, "深圳", None, None]),
        pl.Series(["朝阳区", None, None, None, None, None]),
        pl.Series(
            [
                "建国路88号",
                "天河区 中山路1号",
                "广东省深圳市南山区科技路1号",
                "南山区科技路",
                "",
                "朝阳区建国路",
            ]
        ),
    )
    province, city, district = out["province"], out["city"], out["district"]
    assert province["value"].to_list() == ["北京市", "广东省", "广东省", "广东省", "火星省", None]
    assert province["status"].to_list() == ["normalized"] * 4 + ["invalid", "missing"]
    assert province["reason"][4] == "unknown_division"
    assert city["value"].to_list() == ["北京市", "广州市", "深圳市", "深圳市", None, None]
    # 朝阳区 exists in Beijing and in Changchun: without a province or city it is not guessed.
    assert district["value"].to_list() == ["朝阳区", "天河区", "南山区", "南山区", None, None]
    assert district["status"].to_list() == ["ok", *["normalized"] * 3, "missing", "missing"]


def test_frame_carries_reasons_suggestion_and_region() -> None:
    frame = pl.DataFrame({"email": ["a@qq.con"], "id_number": ["11010519491231002X"], "mobile": ["无"]})
    out = normalize_frame(frame, today=TODAY)
    assert out.select("email_reason", "email_suggestion", "id_region_known", "mobile_reason").row(0) == (
        "domain_typo:qq.com",
        "a@qq.com",
        True,
        "placeholder:无",
    )
