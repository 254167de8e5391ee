"""Coded fields: gender and customer type, mapped from the spellings the sources use."""

from __future__ import annotations

import polars as pl

from dq_project.normalize.text import (
    RAW,
    STATUS_NORMALIZED,
    clean_text,
    field_frame,
    field_reason,
    field_status,
)

# Keys are compared lower-cased. '0' is deliberately absent: systems disagree on whether it means
# female or unknown, so it is reported invalid rather than guessed.
GENDER_CODES: dict[str, str] = {
    "m": "M",
    "male": "M",
    "man": "M",
    "1": "M",
    "男": "M",
    "男性": "M",
    "先生": "M",
    "f": "F",
    "female": "F",
    "woman": "F",
    "2": "F",
    "女": "F",
    "女性": "F",
    "女士": "F",
}

# 'C' is the ERP export's code for company (corporate), not B2C 'consumer'.
CUSTOMER_TYPE_CODES: dict[str, str] = {
    "person": "person",
    "individual": "person",
    "personal": "person",
    "p": "person",
    "个人": "person",
    "个人客户": "person",
    "对私": "person",
    "company": "company",
    "business": "company",
    "corporate": "company",
    "b": "company",
    "c": "company",
    "企业": "company",
    "公司": "company",
    "单位": "company",
    "企业客户": "company",
    "对公": "company",
}


def map_codes(expr: pl.Expr, codes: dict[str, str]) -> pl.Expr:
    """Cleaned text looked up (lower-cased) in `codes`; null when not a known spelling."""
    return expr.str.to_lowercase().replace_strict(codes, default=None, return_dtype=pl.String)


def _plan_codes(values: pl.Series, codes: dict[str, str]) -> pl.LazyFrame:
    return (
        field_frame(values)
        .with_columns(cleaned=clean_text(pl.col(RAW)))
        .with_columns(code=map_codes(pl.col("cleaned"), codes))
        .with_columns(value=pl.coalesce("code", "cleaned"))
    )


def plan_gender(values: pl.Series) -> pl.LazyFrame:
    """Lazy form of normalize_gender (see there)."""
    valid = pl.col("code").is_not_null()
    return _plan_codes(values, GENDER_CODES).select(
        "value",
        status=field_status(pl.col(RAW), pl.col("cleaned"), valid, pl.col("value")),
        reason=field_reason(pl.col(RAW), pl.col("cleaned"), valid, pl.lit("unknown_code")),
    )


def normalize_gender(values: pl.Series) -> pl.DataFrame:
    """Normalize gender to 'M'/'F' (see GENDER_CODES): columns value (cleaned text when invalid),
    status and reason ('unknown_code' when invalid)."""
    return plan_gender(values).collect()


def plan_customer_type(values: pl.Series, has_company: pl.Series | None = None) -> pl.LazyFrame:
    """Lazy form of normalize_customer_type (see there)."""
    flags = pl.Series("has_company", has_company if has_company is not None else [False] * len(values))
    inferred = pl.when(pl.col("has_company")).then(pl.lit("company")).otherwise(pl.lit("person"))
    blank = pl.col("cleaned").is_null()
    valid = pl.col("code").is_not_null()
    status = field_status(pl.col(RAW), pl.col("cleaned"), valid, pl.col("value"))
    reason = field_reason(pl.col(RAW), pl.col("cleaned"), valid, pl.lit("unknown_code"))
    return (
        _plan_codes(values, CUSTOMER_TYPE_CODES)
        .with_columns(flags.fill_null(False))
        .select(
            value=pl.when(blank).then(inferred).otherwise("value"),
            status=pl.when(blank).then(pl.lit(STATUS_NORMALIZED)).otherwise(status),
            reason=pl.when(~blank).then(reason),
        )
    )


def normalize_customer_type(values: pl.Series, has_company: pl.Series | None = None) -> pl.DataFrame:
    """Normalize customer type to 'person'/'company' (see CUSTOMER_TYPE_CODES): columns value
    (cleaned text when invalid) and status.

    A blank type is inferred, status 'normalized': 'company' where `has_company` (a boolean Series,
    e.g. company name or credit code present) is true, else 'person'.
    """
    return plan_customer_type(values, has_company).collect()
