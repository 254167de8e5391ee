"""Chinese identifiers: resident ID (GB 11643-1999) and unified social credit code (GB 32100-2015).

Checksums are computed vectorized in polars; python-stdnum (cn.ric, cn.uscc) is only the
cross-check in the tests. The resident ID's region code is not checked (stdnum's region table
rejects retired codes that real, still-valid IDs carry).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dq_project.normalize.text import RAW, clean_text, field_frame, field_status

RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RIC_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
RIC_PATTERN = r"^\d{17}[\dX]$"
RIC_LEGACY_PATTERN = r"^\d{15}$"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
USCC_WEIGHTS = tuple(3**i % 31 for i in range(17))
# Registration authority and organization type, six-digit region code, nine-character organization
# code, check character.
USCC_PATTERN = rf"^[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}$"
_USCC_VALUES = {char: value for value, char in enumerate(USCC_ALPHABET)}


def _compact_upper(expr: pl.Expr) -> pl.Expr:
    """Cleaned identifier text without inner whitespace, upper-cased (null when blank)."""
    return clean_text(expr).str.replace_all(r"\s", "").str.to_uppercase()


def resident_id_check_char(body: pl.Expr) -> pl.Expr:
    """GB 11643 mod 11-2 check character for 17-digit bodies (null when not 17 digits)."""
    number = pl.when(body.str.contains(r"^\d{17}$")).then(body.str.to_integer(strict=False))
    total = pl.sum_horizontal(
        (number // 10 ** (16 - position) % 10) * weight for position, weight in enumerate(RIC_WEIGHTS)
    )
    remainder = pl.when(number.is_not_null()).then(total % 11)
    return remainder.replace_strict(dict(enumerate(RIC_CHECK_CHARS)), return_dtype=pl.String)


def resident_id_checksum_ok(expr: pl.Expr) -> pl.Expr:
    """True for 18-character upper-case resident IDs whose last character is the right check char."""
    matches = expr.str.slice(17, 1) == resident_id_check_char(expr.str.slice(0, 17))
    return (expr.str.contains(RIC_PATTERN) & matches).fill_null(False)


def upgrade_resident_id(expr: pl.Expr) -> pl.Expr:
    """15-digit legacy IDs to 18: '19' inserted before the two-digit year, check char appended.
    Other values pass through unchanged."""
    body = expr.str.slice(0, 6) + pl.lit("19") + expr.str.slice(6, 9)
    upgraded = body + resident_id_check_char(body)
    return pl.when(expr.str.contains(RIC_LEGACY_PATTERN)).then(upgraded).otherwise(expr)


def resident_id_birth_date(expr: pl.Expr, not_after: dt.date | None = None) -> pl.Expr:
    """Birth date encoded in an 18-character ID; null when not a real date in 1900..`not_after`."""
    born = expr.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    latest = not_after or dt.date(2100, 12, 31)
    return pl.when(born.is_between(dt.date(1900, 1, 1), latest)).then(born)


def plan_resident_id(values: pl.Series, today: dt.date | None = None) -> pl.LazyFrame:
    """Lazy form of normalize_resident_id (see there)."""
    value = pl.col("value")
    return (
        field_frame(values)
        .with_columns(cleaned=_compact_upper(pl.col(RAW)))
        .with_columns(value=upgrade_resident_id(pl.col("cleaned")))
        .with_columns(born=resident_id_birth_date(value, today or dt.date.today()))
        .with_columns(valid=resident_id_checksum_ok(value) & pl.col("born").is_not_null())
        .select(
            "value",
            status=field_status(pl.col(RAW), pl.col("cleaned"), pl.col("valid"), value),
            birth_date=pl.when("valid").then("born"),
            gender=pl.when("valid").then(
                pl.when(value.str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1).then(pl.lit("M"))
                .otherwise(pl.lit("F"))
            ),
        )
    )


def normalize_resident_id(values: pl.Series, today: dt.date | None = None) -> pl.DataFrame:
    """Normalize resident IDs: columns value (18 chars, upper-case X; cleaned text when invalid),
    status, and for valid IDs birth_date and gender ('M' when the 17th digit is odd).

    Valid = right shape, right check char, and an embedded birth date that is a real date between
    1900-01-01 and `today`. 15-digit IDs are upgraded (status 'normalized').
    """
    return plan_resident_id(values, today).collect()


def credit_code_check_char(body: pl.Expr) -> pl.Expr:
    """GB 32100 mod-31 check character for 17-character bodies over the code alphabet."""
    values = [
        body.str.slice(position, 1).replace_strict(_USCC_VALUES, default=None, return_dtype=pl.Int64)
        for position in range(17)
    ]
    total = pl.sum_horizontal(value * weight for value, weight in zip(values, USCC_WEIGHTS, strict=True))
    check = pl.when(pl.all_horizontal(value.is_not_null() for value in values)).then((31 - total % 31) % 31)
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
        .select("value", status=field_status(pl.col(RAW), pl.col("value"), pl.col("valid"), pl.col("value")))
    )


def normalize_credit_code(values: pl.Series) -> pl.DataFrame:
    """Normalize unified social credit codes: columns value (upper-case; cleaned text when invalid)
    and status."""
    return plan_credit_code(values).collect()
