"""PII masking: the documented shapes, no long digit runs, and the vectorized/scalar forms agree."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dq_project.governance.masking import mask_text, mask_values


@pytest.mark.parametrize(
    ("field", "value", "masked"),
    [
        ("mobile", "+8613812345678", "+86 138****5678"),
        ("mobile", "13812345678", "138****5678"),
        ("mobile", "+14155552671", "+14****2671"),
        ("mobile", "138 1234 567", "****4567"),
        ("mobile", "123", "****"),
        ("phone", "+861012345678", "+86****5678"),
        ("id_number", "11010519491231002X", "1101**********002X"),
        ("credit_code", "91350100M000100Y43", "9135**********0Y43"),
        ("email", "zhang.san@qq.com", "z***@qq.com"),
        ("email", "a@@b.com", "a***@b.com"),
        ("email", "no-at-sign", "n***"),
        ("name", "张三丰", "张**"),
        ("name", "张", "*"),
        ("owner", "李四", "李*"),
        ("birth_date", dt.date(1985, 3, 12), "1985-**-**"),
        ("address", "北京市朝阳区建国路88号", "北京市朝阳区…"),
        ("record_key", "crm:C0001", "crm:C0001"),
        ("gender", "F", "F"),
        ("some_new_field", "abcdefghij", "abcdef…"),
        ("mobile", None, None),
    ],
)
def test_mask_text_shapes(field, value, masked):
    assert mask_text(field, value) == masked


def test_mask_values_by_field_column_matches_scalar_form():
    frame = pl.DataFrame(
        {
            "field": ["mobile", "email", "name", "id_number", "address", "record_key", "mobile", "x"],
            "value": [
                "+8613812345678",
                "x@y.cn",
                "王五",
                "11010519491231002X",
                "上海市浦东新区世纪大道1号",
                "erp:7",
                None,
                "0123456789",
            ],
        }
    )
    masked = frame.select(mask_values(pl.col("field"), pl.col("value")))["value"].to_list()
    assert masked == [mask_text(f, v) for f, v in frame.iter_rows()]
    assert masked[6] is None


def test_mask_values_with_field_name_on_a_date_column():
    frame = pl.DataFrame({"birth_date": [dt.date(1990, 1, 2), None]})
    assert frame.select(mask_values("birth_date", pl.col("birth_date")))["birth_date"].to_list() == [
        "1990-**-**",
        None,
    ]


digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


@given(local=st.from_regex(r"[1][3-9]\d{9}", fullmatch=True), e164=st.booleans())
def test_mobiles_keep_at_most_four_digits_in_a_row(local, e164):
    masked = mask_text("mobile", f"+86{local}" if e164 else local)
    assert not re.search(r"\d{5,}", masked)
    assert masked.endswith(local[-4:])


@given(body=st.text(alphabet="0123456789", min_size=17, max_size=17), check=st.sampled_from("0123456789X"))
def test_resident_ids_keep_first_and_last_four(body, check):
    value = body + check
    masked = mask_text("id_number", value)
    assert masked == value[:4] + "*" * 10 + value[-4:]
    assert not re.search(r"\d{5,}", masked)


@given(value=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18))
def test_credit_codes_keep_first_and_last_four(value):
    assert mask_text("credit_code", value) == value[:4] + "*" * 10 + value[-4:]


@given(
    local=st.from_regex(r"[a-z0-9._]{1,20}", fullmatch=True),
    domain=st.sampled_from(["qq.com", "163.com", "example.com.cn"]),
)
def test_emails_keep_only_first_character_and_domain(local, domain):
    assert mask_text("email", f"{local}@{domain}") == f"{local[0]}***@{domain}"


@given(st.text(min_size=1, max_size=30))
def test_any_text_in_any_field_never_raises(value):
    for field in ("mobile", "id_number", "email", "name", "birth_date", "address"):
        assert isinstance(mask_text(field, value), str)
