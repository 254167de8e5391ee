import polars as pl
import pytest

from dq_project.normalize import normalize_customer_type, normalize_gender


@pytest.mark.parametrize(
    ("written", "value", "status"),
    [
        ("M", "M", "ok"),
        ("F", "F", "ok"),
        ("m", "M", "normalized"),
        ("male", "M", "normalized"),
        ("Female", "F", "normalized"),
        ("男", "M", "normalized"),
        ("女", "F", "normalized"),
        ("1", "M", "normalized"),
        ("2", "F", "normalized"),
        ("Ｍ", "M", "normalized"),
        (" 女 ", "F", "normalized"),
        ("女士", "F", "normalized"),
        ("0", "0", "invalid"),
        ("未知", None, "missing"),  # 'unknown' is a placeholder in any field (issue 21)
        ("x", "x", "invalid"),
        ("无", None, "missing"),
        (None, None, "missing"),
    ],
)
def test_gender(written: str | None, value: str | None, status: str) -> None:
    assert normalize_gender(pl.Series([written], dtype=pl.String)).select("value", "status").row(0) == (
        value,
        status,
    )


@pytest.mark.parametrize(
    ("written", "value", "status"),
    [
        ("person", "person", "ok"),
        ("company", "company", "ok"),
        ("个人", "person", "normalized"),
        ("企业", "company", "normalized"),
        ("公司", "company", "normalized"),
        ("Individual", "person", "normalized"),
        ("business", "company", "normalized"),
        ("P", "person", "normalized"),
        ("B", "company", "normalized"),
        ("C", "company", "normalized"),
        ("COMPANY", "company", "normalized"),
        ("other", "other", "invalid"),
    ],
)
def test_customer_type(written: str, value: str, status: str) -> None:
    assert normalize_customer_type(pl.Series([written])).select("value", "status").row(0) == (value, status)


def test_blank_customer_type_is_inferred() -> None:
    out = normalize_customer_type(
        pl.Series([None, "无", None, "person"]), has_company=pl.Series([True, False, None, True])
    )
    assert out["value"].to_list() == ["company", "person", "person", "person"]
    assert out["status"].to_list() == ["normalized", "normalized", "normalized", "ok"]
