"""Property tests: any text goes in without errors, and normalizing a normalized value changes nothing."""

import datetime as dt
from collections.abc import Callable

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dq_project.normalize import (
    normalize_credit_code,
    normalize_customer_type,
    normalize_date,
    normalize_datetime,
    normalize_email,
    normalize_frame,
    normalize_gender,
    normalize_mobile,
    normalize_phone,
    normalize_resident_id,
    normalize_tags,
    normalize_text,
)
from dq_project.normalize.frame import CANONICAL_FIELDS
from dq_project.normalize.text import STATUS_INVALID, STATUS_MISSING, STATUS_NORMALIZED, STATUS_OK

TODAY = dt.date(2025, 6, 1)
STATUSES = {STATUS_OK, STATUS_NORMALIZED, STATUS_MISSING, STATUS_INVALID}
_RELEVANT = (
    "0123456789０１２３４５６７８９+-()/.:;@ xXabcMFZT年月日时张三无空"
    "\u3000\t\u200b＠。．（）－＋ＡＢＣａｂｃ"
)
REALISTIC = [
    "13812345678",
    "+86 138 1234 5678",
    "0086-13812345678",
    "010-12345678 转 8",
    "0755 8888 6666",
    "zhang@qq.com",
    "ＬＩ＠１６３。ＣＯＭ",
    "2023/1/5",
    "2023年1月5日",
    "44931",
    "2023-01-05 10:22:33",
    "03/04/2020",
    "2023-01-05T10:22:33.5+08:00",
    "11010519491231002x",
    "110105491231002",
    "91110000600037341L",
    "男",
    "female",
    "企业",
    "person",
    "N/A",
    "无",
    "--",
    "vip ； 老客户",
    "①号楼",
    "m²",
]
texts = st.one_of(
    st.none(),
    st.sampled_from(REALISTIC),
    st.text(alphabet=_RELEVANT, max_size=24),
    st.text(max_size=16),
)
columns = st.lists(texts, min_size=1, max_size=12)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def as_text(values: pl.Series) -> pl.Series:
    """Normalized values written back as text, the way a later load would carry them."""
    if values.dtype == pl.Date:
        return values.dt.to_string("%Y-%m-%d")
    if values.dtype == pl.Datetime("us"):
        return values.dt.to_string("%Y-%m-%d %H:%M:%S%.f")
    return values


STRING_NORMALIZERS: dict[str, Callable[[pl.Series], pl.DataFrame]] = {
    "text": normalize_text,
    "email": normalize_email,
    "mobile": normalize_mobile,
    "phone": normalize_phone,
    "resident_id": lambda s: normalize_resident_id(s, today=TODAY),
    "credit_code": normalize_credit_code,
    "gender": normalize_gender,
    "customer_type": normalize_customer_type,
}
TEMPORAL_NORMALIZERS: dict[str, Callable[[pl.Series], pl.DataFrame]] = {
    "date_ymd": lambda s: normalize_date(s, "YMD", not_after=TODAY),
    "date_dmy": lambda s: normalize_date(s, "DMY"),
    "datetime_mdy": lambda s: normalize_datetime(s, "MDY"),
}


@FAST
@given(columns)
def test_string_normalizers_are_total_and_idempotent(values: list[str | None]) -> None:
    series = pl.Series(values, dtype=pl.String)
    for name, normalize in STRING_NORMALIZERS.items():
        first = normalize(series)
        assert first.height == len(values), name
        assert set(first["status"]) <= STATUSES, name
        second = normalize(first["value"])
        assert second["value"].to_list() == first["value"].to_list(), name
        # A valid normalized value is already in its final form.
        settled = first["status"].is_in([STATUS_OK, STATUS_NORMALIZED])
        assert set(second["status"].filter(settled)) <= {STATUS_OK}, name


@FAST
@given(columns)
def test_temporal_normalizers_are_total_and_idempotent(values: list[str | None]) -> None:
    series = pl.Series(values, dtype=pl.String)
    for name, normalize in TEMPORAL_NORMALIZERS.items():
        first = normalize(series)
        assert set(first["status"]) <= STATUSES, name
        second = normalize(as_text(first["value"]))
        assert second["value"].to_list() == first["value"].to_list(), name


@FAST
@given(columns, st.sampled_from(["YMD", "DMY", "MDY"]), st.sampled_from(["CN", "US", "HK"]))
def test_tags_and_frames_never_raise(values: list[str | None], date_order: str, region: str) -> None:
    series = pl.Series(values, dtype=pl.String)
    tags = normalize_tags(series)["value"]
    assert normalize_tags(tags)["value"].to_list() == tags.to_list()
    frame = pl.DataFrame({field: series.shift(i) for i, field in enumerate(CANONICAL_FIELDS)})
    out = normalize_frame(frame, default_region=region, date_order=date_order, today=TODAY)
    assert out.height == frame.height
    statuses = out.select(pl.col("^.*_status$")).unpivot()["value"]
    assert set(statuses) <= STATUSES


@FAST
@given(columns, st.sampled_from(["YMD", "DMY", "MDY"]), st.sampled_from(["CN", "US"]))
def test_every_normalizer_of_a_frame_is_idempotent(
    values: list[str | None], date_order: str, region: str
) -> None:
    """The whole record normalizer (every field, addresses and divisions included) run on its own
    output, written back as text (dates as ISO, hence YMD), gives the same values."""
    series = pl.Series(values, dtype=pl.String)
    frame = pl.DataFrame({field: series.shift(i) for i, field in enumerate(CANONICAL_FIELDS)})
    first = normalize_frame(frame, default_region=region, date_order=date_order, today=TODAY)
    again = first.select(as_text(first[field]).cast(pl.String).alias(field) for field in CANONICAL_FIELDS)
    second = normalize_frame(again, default_region=region, date_order="YMD", today=TODAY)
    for field in CANONICAL_FIELDS:
        assert as_text(second[field]).to_list() == as_text(first[field]).to_list(), field
