"""E-mail addresses: width folding, ideographic dots, lower case, and a syntax check (no network)."""

from __future__ import annotations

import polars as pl

from dq_project.normalize.text import RAW, clean_text, field_frame, field_status

# Dot-atom local part (no leading, trailing or consecutive dots), '@', one or more DNS labels and an
# alphabetic TLD of at least two letters. ASCII only: internationalized domains are reported invalid.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
EMAIL_PATTERN = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[a-z]{{2,63}}$"

# Chinese input methods type these in place of '.'; the full-width forms are folded by clean_text.
_IDEOGRAPHIC_DOTS = ["。", "｡"]


def clean_email(expr: pl.Expr) -> pl.Expr:
    """Cleaned, lower-cased address text (null for blanks and placeholders); not yet validated."""
    dotted = expr.str.replace_many(_IDEOGRAPHIC_DOTS, ["."] * len(_IDEOGRAPHIC_DOTS))
    return clean_text(dotted).str.to_lowercase()


def email_is_valid(expr: pl.Expr) -> pl.Expr:
    """True when a cleaned (lower-case) address has valid syntax and RFC 5321 lengths."""
    return (
        expr.str.contains(EMAIL_PATTERN)
        & (expr.str.len_bytes() <= 254)
        & (expr.str.find("@", literal=True) <= 64)
    )


def plan_email(values: pl.Series) -> pl.LazyFrame:
    """Lazy form of normalize_email (see there)."""
    return (
        field_frame(values)
        .with_columns(value=clean_email(pl.col(RAW)))
        .with_columns(valid=email_is_valid(pl.col("value")))
        .select("value", status=field_status(pl.col(RAW), pl.col("value"), pl.col("valid"), pl.col("value")))
    )


def normalize_email(values: pl.Series) -> pl.DataFrame:
    """Normalize e-mail addresses: columns value (lower-cased text, kept when invalid) and status."""
    return plan_email(values).collect()
