import random

import phonenumbers
import polars as pl
import pytest

from dq_project.normalize import normalize_mobile, normalize_phone
from dq_project.normalize.phone import LANDLINE_TYPES, MOBILE_TYPES, classify_dial_strings, dial_string

E164 = "+8613812345678"


@pytest.mark.parametrize(
    "written",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 13812345678",
        "+86-138-1234-5678",
        "0086 13812345678",
        "86-13812345678",
        "(+86)13812345678",
        "+8613812345678",
        "１３８１２３４５６７８",
        "＋８６　１３８　１２３４　５６７８",
        " 138.1234.5678 ",
    ],
)
def test_mobile_formats_become_e164(written: str) -> None:
    out = normalize_mobile(pl.Series([written]))
    assert out.select("value", "status").row(0) == (E164, "ok" if written == E164 else "normalized")


@pytest.mark.parametrize("prefix", ["199", "198", "166", "191", "173", "145", "147", "175"])
def test_newer_mobile_prefixes_are_mobiles(prefix: str) -> None:
    assert normalize_mobile(pl.Series([prefix + "12345678"])).select("value", "status").row(0) == (
        f"+86{prefix}12345678",
        "normalized",
    )


@pytest.mark.parametrize(
    "written",
    [
        "1381234567",
        "138123456789",
        "10812345678",
        "12012345678",
        "+86 1101234567",
        "010-12345678",
        "abc",
        "138-1234-567x",
        "1",
        "+",
    ],
)
def test_invalid_mobiles_keep_cleaned_text(written: str) -> None:
    value, status = normalize_mobile(pl.Series([written])).select("value", "status").row(0)
    assert status == "invalid"
    assert value == written.strip()


def test_missing_mobiles() -> None:
    out = normalize_mobile(pl.Series(["无", "", None, "N/A", "-"]))
    assert out["value"].to_list() == [None] * 5
    assert set(out["status"]) == {"missing"}


def test_foreign_numbers_with_country_code() -> None:
    out = normalize_mobile(pl.Series(["+852 6123 4567", "+1 650 253 0000"]))
    assert out["value"].to_list() == ["+85261234567", "+16502530000"]
    assert out["status"].to_list() == ["normalized", "normalized"]


def test_default_region_applies_to_national_numbers() -> None:
    us = normalize_mobile(pl.Series(["(650) 253-0000", "13812345678"]), default_region="US")
    # Outside CN an 11-digit number starting with 1 is not assumed to be a mainland mobile.
    assert us["value"].to_list() == ["+16502530000", "13812345678"]
    with pytest.raises(ValueError, match="unknown phone region"):
        normalize_mobile(pl.Series(["13812345678"]), default_region="XX")


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("010-12345678", "+861012345678"),
        ("0755 8888 6666", "+8675588886666"),
        ("(021)12345678", "+862112345678"),
        ("02112345678", "+862112345678"),
        ("+86 10 12345678", "+861012345678"),
        ("0086-10-12345678", "+861012345678"),
        ("０１０－１２３４５６７８", "+861012345678"),
        ("010-12345678-123", "+861012345678"),
        ("010-12345678 转 123", "+861012345678"),
        ("010-12345678 ext. 12", "+861012345678"),
        ("0755-88886666分机8", "+8675588886666"),
        ("010-12345678#5", "+861012345678"),
    ],
)
def test_landlines_become_e164_without_extension(written: str, e164: str) -> None:
    assert normalize_phone(pl.Series([written])).select("value", "status").row(0) == (e164, "normalized")


def test_landline_field_rejects_mobiles_and_garbage() -> None:
    out = normalize_phone(pl.Series(["13812345678", "12345", "010-1234", "+861012345678", None]))
    assert out["status"].to_list() == ["invalid", "invalid", "invalid", "ok", "missing"]
    assert out["value"].to_list()[:3] == ["13812345678", "12345", "010-1234"]


def test_fast_path_agrees_with_phonenumbers_parse() -> None:
    """Dial strings built as +86 PhoneNumber objects must classify exactly as parse() of the text."""
    rng = random.Random(11)
    written = (
        [f"1{rng.randrange(10**10):010d}" for _ in range(400)]
        + [f"0{rng.randrange(10, 1000)}-{rng.randrange(10**6, 10**8)}" for _ in range(400)]
        + [f"86-1{rng.randrange(10**10):010d}" for _ in range(100)]
        + [f"0086{rng.randrange(10**11):011d}" for _ in range(100)]
        + [str(rng.randrange(10 ** rng.randrange(3, 14))) for _ in range(200)]
    )
    dials = pl.DataFrame({"w": written}).select(dial_string(pl.col("w")))["w"].to_list()
    ours = classify_dial_strings([d for d in dials if d is not None])
    assert len(ours) == len(written)
    accepted = MOBILE_TYPES | LANDLINE_TYPES
    for text, e164, number_type in zip(written, ours["e164"], ours["number_type"], strict=True):
        try:
            parsed = phonenumbers.parse(text, "CN")
        except phonenumbers.NumberParseException:
            assert number_type not in accepted, text
            continue
        expected_type = phonenumbers.number_type(parsed)
        assert (number_type in accepted) == (expected_type in accepted), text
        if expected_type in accepted:
            assert (e164, number_type) == (phonenumbers.format_number(parsed, 0), expected_type), text


def test_each_distinct_number_is_classified_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from dq_project.normalize import phone

    seen: list[int] = []
    real = phone.classify_dial_strings

    def counting(dials, default_region="CN"):
        seen.append(len(dials))
        return real(dials, default_region)

    monkeypatch.setattr(phone, "classify_dial_strings", counting)
    out = normalize_mobile(
        pl.Series(["13812345678", "138 1234 5678", "+86 13812345678", "13912345678", None] * 50)
    )
    assert seen == [2]
    assert out.height == 250
