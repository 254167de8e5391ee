"""Chinese identifiers: resident ID (GB 11643-1999) and unified social credit code (GB 32100-2015).

Checksums are computed vectorized in polars; python-stdnum (cn.ric, cn.uscc) is only the
cross-check in the tests. The resident ID's region code is not checked (stdnum's region table
rejects retired codes that real, still-valid IDs carry).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dq_project.normalize.divisions import known_region_codes
from dq_project.normalize.text import RAW, clean_text, field_frame, field_reason, field_status, keep_if, once

_RIC_CHECK_CHARS = "0123456789X"
RIC_PATTERN = r"^\d{17}[\dX]$"
RIC_LEGACY_PATTERN = r"^\d{15}$"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
# Registration authority and organization type, six-digit region code, nine-character organization
# code, check character.
USCC_PATTERN = rf"^[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}$"
# Code characters whose value differs from their base-34 digit value (J is 18, base-34 I is 18).
_TO_BASE34 = {
    char: digit
    for char, digit in zip(USCC_ALPHABET, "0123456789ABCDEFGHIJKLMNOPQRSTU", strict=True)
    if char != digit
}


def _compact_upper(expr: pl.Expr) -> pl.Expr:
    """Cleaned identifier text without inner whitespace, upper-cased (null when blank)."""
    return clean_text(expr).str.replace_all(r"\s", "").str.to_uppercase()


def resident_id_check_char(body: pl.Expr) -> pl.Expr:
    """GB 11643 mod 11-2 check character for 17-digit bodies (null when not 17 digits).

    The weights (7 9 10 5 8 4 2 1 6 3 ...) are 2**(17-i) mod 11 and 13 = 2 (mod 11), so the
    weighted sum is, mod 11, twice the body read as a base-13 number (python-stdnum's formula):
    one `str.to_integer` instead of 17 digit extractions. 13**17 still fits in Int64.
    """
    digits_only = pl.when(body.str.contains(r"^\d{17}$")).then(body)
    remainder = digits_only.str.to_integer(base=13, strict=False) % 11
    check = (1 + 9 * remainder) % 11  # (1 - 2 * remainder) mod 11, kept non-negative
    return check.replace_strict(dict(enumerate(_RIC_CHECK_CHARS)), return_dtype=pl.String)


def resident_id_checksum_ok(expr: pl.Expr) -> pl.Expr:
    """True for 18-character upper-case resident IDs whose last character is the right check char."""
    matches = expr.str.slice(17, 1) == resident_id_check_char(expr.str.slice(0, 17))
    return (expr.str.contains(RIC_PATTERN) & matches).fill_null(False)


def upgrade_resident_id(expr: pl.Expr) -> pl.Expr:
    """15-digit legacy IDs to 18: '19' inserted before the two-digit year, check char appended.
    Other values pass through unchanged."""
    legacy = pl.when(expr.str.contains(RIC_LEGACY_PATTERN)).then(expr)
    body = once(legacy, lambda text: text.str.slice(0, 6) + pl.lit("19") + text.str.slice(6, 9))
    return pl.coalesce(once(body, lambda text: text + resident_id_check_char(text)), expr)


def resident_id_birth_date(expr: pl.Expr, not_after: dt.date | None = None) -> pl.Expr:
    """Birth date encoded in an 18-character ID; null when not a real date in 1900..`not_after`."""
    born = expr.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    latest = not_after or dt.date(2100, 12, 31)
    return keep_if(born, lambda date: date.is_between(dt.date(1900, 1, 1), latest))


def plan_resident_id(values: pl.Series, today: dt.date | None = None) -> pl.LazyFrame:
    """Lazy form of normalize_resident_id (see there)."""
    upgraded, valid = pl.col("upgraded"), pl.col("valid")
    odd = upgraded.str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1
    today = today or dt.date.today()
    return (
        field_frame(values)
        .with_columns(cleaned=_compact_upper(pl.col(RAW)))
        .with_columns(upgraded=upgrade_resident_id(pl.col("cleaned")))
        .with_columns(born=resident_id_birth_date(upgraded, today))
        .with_columns(valid=resident_id_checksum_ok(upgraded) & pl.col("born").is_not_null())
        .with_columns(value=pl.when(valid).then(upgraded).otherwise("cleaned"))
        .select(
            "value",
            status=field_status(pl.col(RAW), pl.col("cleaned"), valid, pl.col("value")),
            reason=field_reason(pl.col(RAW), pl.col("cleaned"), valid, _resident_id_problem(upgraded, today)),
            birth_date=pl.when(valid).then("born"),
            gender=pl.when(valid).then(pl.when(odd).then(pl.lit("M")).otherwise(pl.lit("F"))),
            region_known=pl.when(valid).then(upgraded.str.slice(0, 6).is_in(list(known_region_codes()))),
        )
    )


def _resident_id_problem(upgraded: pl.Expr, today: dt.date) -> pl.Expr:
    """Why an ID is invalid: 'format', 'checksum', 'future_date' or 'impossible_date'."""
    written = upgraded.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    return (
        pl.when(~upgraded.str.contains(RIC_PATTERN))
        .then(pl.lit("format"))
        .when(~resident_id_checksum_ok(upgraded))
        .then(pl.lit("checksum"))
        .when(written > pl.lit(today))
        .then(pl.lit("future_date"))
        .otherwise(pl.lit("impossible_date"))
    )


def normalize_resident_id(values: pl.Series, today: dt.date | None = None) -> pl.DataFrame:
    """Normalize resident IDs: columns value (18 chars, upper-case X; cleaned text when invalid),
    status, reason ('format', 'checksum', 'impossible_date', 'future_date'; see field_reason), and
    for valid IDs birth_date, gender ('M' when the 17th digit is odd) and region_known (the region
    code is listed in GB/T 2260, current or retired; an unknown one is a warning, not invalid).

    Valid = right shape, right check char, and an embedded birth date that is a real date between
    1900-01-01 and `today`. 15-digit IDs are upgraded (status 'normalized').
    """
    return plan_resident_id(values, today).collect()


def credit_code_check_char(body: pl.Expr) -> pl.Expr:
    """GB 32100 mod-31 check character for 17-character bodies over the code alphabet (null for
    anything else).

    The weights (1 3 9 27 19 26 ...) are 3**i mod 31 and 34 = 3 (mod 31), so the weighted sum
    equals, mod 31, the reversed body read as a base-34 number once each character is rewritten as
    the base-34 digit of its value: two `str.to_integer` calls instead of 17 per-character lookups.
    Read in two parts, since 34**17 overflows Int64.
    """
    valid_body = pl.when(body.str.contains(rf"^[{USCC_ALPHABET}]{{17}}$")).then(body)
    digits = valid_body.str.replace_many(_TO_BASE34).str.reverse()

    def check_value(base34: pl.Expr) -> pl.Expr:
        high, low = (
            base34.str.slice(at, size).str.to_integer(base=34, strict=False) for at, size in ((0, 8), (8, 9))
        )
        return (31 - (high * (34**9 % 31) + low) % 31) % 31

    check = once(digits, check_value)
    return check.replace_strict(dict(enumerate(USCC_ALPHABET)), return_dtype=pl.String)


def credit_code_checksum_ok(expr: pl.Expr) -> pl.Expr:
    """True for 18-character upper-case credit codes of the right shape and check character."""
    matches = expr.str.slice(17, 1) == credit_code_check_char(expr.str.slice(0, 17))
    return (expr.str.contains(USCC_PATTERN) & matches).fill_null(False)


def plan_credit_code(values: pl.Series) -> pl.LazyFrame:
    """Lazy form of normalize_credit_code (see there)."""
    return (
        field_frame(values)
        .with_columns(value=_compact_upper(pl.col(RAW)))
        .with_columns(valid=credit_code_checksum_ok(pl.col("value")))
        .select(
            "value",
            status=field_status(pl.col(RAW), pl.col("value"), pl.col("valid"), pl.col("value")),
            reason=field_reason(
                pl.col(RAW),
                pl.col("value"),
                pl.col("valid"),
                pl.when(pl.col("value").str.contains(USCC_PATTERN))
                .then(pl.lit("checksum"))
                .otherwise(pl.lit("format")),
            ),
        )
    )


def normalize_credit_code(values: pl.Series) -> pl.DataFrame:
    """Normalize unified social credit codes: columns value (upper-case; cleaned text when invalid),
    status and reason ('format' or 'checksum' when invalid)."""
    return plan_credit_code(values).collect()
