import datetime as dt
import random

import polars as pl
import pytest
from stdnum.cn import ric, uscc

from dq_project.normalize import (
    credit_code_checksum_ok,
    normalize_credit_code,
    normalize_resident_id,
    resident_id_checksum_ok,
    upgrade_resident_id,
)
from dq_project.normalize.cn_ids import USCC_ALPHABET

TODAY = dt.date(2025, 6, 1)
# GB 11643 examples: a valid ID with X check character, and one with a digit check character.
ID_X = "11010519491231002X"
ID_DIGIT = "440304198503121235"


def ric_check(body: str) -> str:
    """stdnum's check character for a 17-digit body (it expects the check position present)."""
    return ric.calc_check_digit(body + "0")


def random_ids(rng: random.Random, n: int, born_from: int = 1930, born_to: int = 2020) -> list[str]:
    ids = []
    for _ in range(n):
        born = dt.date(born_from, 1, 1) + dt.timedelta(days=rng.randrange((born_to - born_from) * 365))
        body = f"{rng.randrange(110000, 660000)}{born:%Y%m%d}{rng.randrange(1000):03d}"
        ids.append(body + ric_check(body))
    return ids


def random_credit_codes(rng: random.Random, n: int) -> list[str]:
    codes = []
    for _ in range(n):
        body = (
            rng.choice("159Y")
            + rng.choice("123")
            + f"{rng.randrange(110000, 660000)}"
            + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        )
        codes.append(body + uscc.calc_check_digit(body))
    return codes


def test_valid_resident_ids() -> None:
    out = normalize_resident_id(
        pl.Series([ID_X, ID_X.lower(), f" {ID_X[:6]} {ID_X[6:14]} {ID_X[14:]} ", ID_DIGIT]), today=TODAY
    )
    assert out["value"].to_list() == [ID_X, ID_X, ID_X, ID_DIGIT]
    assert out["status"].to_list() == ["ok", "normalized", "normalized", "ok"]
    assert out["birth_date"].to_list() == [dt.date(1949, 12, 31)] * 3 + [dt.date(1985, 3, 12)]
    assert out["gender"].to_list() == ["F", "F", "F", "M"]  # 17th digit 2 -> F, 3 -> M


def test_fullwidth_resident_id() -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in ID_X)
    assert normalize_resident_id(pl.Series([fullwidth]), today=TODAY).row(0)[:2] == (ID_X, "normalized")


def test_wrong_check_character_is_invalid() -> None:
    wrong = ID_X[:17] + "1"
    out = normalize_resident_id(pl.Series([wrong, ID_DIGIT[:17] + "X"]), today=TODAY)
    assert out.select("value", "status", "birth_date", "gender").rows() == [
        (wrong, "invalid", None, None),
        (ID_DIGIT[:17] + "X", "invalid", None, None),
    ]


@pytest.mark.parametrize(
    "body", ["11010519900230123", "11010518500101123", "11010520300101123", "11010519901301123"]
)
def test_impossible_or_future_birth_dates_are_invalid(body: str) -> None:
    value = body + ric_check(body)
    assert normalize_resident_id(pl.Series([value]), today=TODAY).select(
        "value", "status", "birth_date", "gender"
    ).row(0) == (value, "invalid", None, None)


def test_legacy_15_digit_ids_are_upgraded() -> None:
    out = normalize_resident_id(
        pl.Series(["110105491231002", "110105491331002", "11010549123100"]), today=TODAY
    )
    assert out.select("value", "status", "birth_date", "gender").row(0) == (
        ID_X,
        "normalized",
        dt.date(1949, 12, 31),
        "F",
    )
    # Month 13: not upgraded, kept as written. 14 digits: neither form.
    assert out.select("value", "status", "birth_date", "gender").row(1) == (
        "110105491331002",
        "invalid",
        None,
        None,
    )
    assert out.select("value", "status", "birth_date", "gender").row(2) == (
        "11010549123100",
        "invalid",
        None,
        None,
    )
    upgraded = pl.DataFrame({"v": ["110105491231002", ID_X]}).select(upgrade_resident_id(pl.col("v")))
    assert upgraded["v"].to_list() == [ID_X, ID_X]


def test_missing_and_garbage_ids() -> None:
    out = normalize_resident_id(pl.Series(["无", None, "abc", "1101051949123100XX"]), today=TODAY)
    assert out["status"].to_list() == ["missing", "missing", "invalid", "invalid"]
    assert out["value"].to_list() == [None, None, "ABC", "1101051949123100XX"]


def test_resident_id_checksum_matches_stdnum() -> None:
    rng = random.Random(5)
    valid = random_ids(rng, 300)
    corrupted = [v[:17] + rng.choice([c for c in "0123456789X" if c != v[17]]) for v in valid]
    frame = pl.DataFrame({"v": valid + corrupted})
    ours = frame.select(resident_id_checksum_ok(pl.col("v")))["v"].to_list()
    assert ours == [ric_check(v[:17]) == v[17] for v in valid + corrupted]
    assert all(ours[:300]) and not any(ours[300:])
    out = normalize_resident_id(pl.Series(valid), today=TODAY)
    assert out["birth_date"].to_list() == [ric.get_birth_date(v) for v in valid]


def test_valid_credit_codes() -> None:
    code = "91110000600037341L"
    assert uscc.is_valid(code)
    out = normalize_credit_code(pl.Series([code, code.lower(), f" {code[:9]} {code[9:]} ", "无"]))
    assert out["value"].to_list() == [code, code, code, None]
    assert out["status"].to_list() == ["ok", "normalized", "normalized", "missing"]


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341A",
        "91110000600037341",
        "91110000600037341LL",
        "9111000060003734IL",
        "9A110000600037341L",
        "911100006000373410",
    ],
)
def test_invalid_credit_codes(code: str) -> None:
    assert normalize_credit_code(pl.Series([code])).select("value", "status").row(0) == (code, "invalid")


def test_credit_code_checksum_matches_stdnum() -> None:
    rng = random.Random(9)
    valid = random_credit_codes(rng, 500)
    corrupted = [c[:17] + rng.choice([a for a in USCC_ALPHABET if a != c[17]]) for c in valid]
    frame = pl.DataFrame({"v": valid + corrupted})
    ours = frame.select(credit_code_checksum_ok(pl.col("v")))["v"].to_list()
    # stdnum's is_valid also wants eight leading digits (GB 32100 allows letters there, e.g. Y).
    assert ours == [uscc.calc_check_digit(c[:17]) == c[17] for c in valid + corrupted]
    assert [uscc.is_valid(c) for c in valid if c[:8].isdigit()] == [True] * sum(
        c[:8].isdigit() for c in valid
    )
    assert all(ours[:500]) and not any(ours[500:])
