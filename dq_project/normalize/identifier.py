"""The generic identifier (canonical `identifier`) and postcodes: any ID scheme, checked by the
validator its source names (`identifier_scheme`), so a numeric social-security number is never
checked as a Chinese resident ID.

Schemes: `none` (any non-blank value is kept), `numeric` (digits only), `alphanumeric` (letters and
digits), `cn_resident_id` (GB 11643, delegated to normalize.cn_ids: 15-digit IDs upgraded, the
check character verified). Spaces and dashes are dropped and letters upper-cased before checking.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dq_project.normalize.cn_ids import plan_resident_id
from dq_project.normalize.text import RAW, clean_text, field_frame, field_reason, field_status

IDENTIFIER_SCHEMES: tuple[str, ...] = ("none", "numeric", "alphanumeric", "cn_resident_id")
_PATTERNS = {"none": r".", "numeric": r"^\d+$", "alphanumeric": r"^[0-9A-Z]+$"}


def _compact(expr: pl.Expr) -> pl.Expr:
    return clean_text(expr).str.replace_all(r"[\s\-]", "").str.to_uppercase()


def plan_identifier(values: pl.Series, scheme: str = "none", today: dt.date | None = None) -> pl.LazyFrame:
    """value, status, reason of an identifier under `scheme` (see the module docstring); a value the
    scheme rejects is invalid with reason `scheme:<scheme>` (cn_resident_id: its own reasons) and
    keeps its cleaned text."""
    if scheme not in IDENTIFIER_SCHEMES:
        raise ValueError(f"identifier_scheme must be one of {IDENTIFIER_SCHEMES}, got {scheme!r}")
    if scheme == "cn_resident_id":
        return plan_resident_id(values, today).select("value", "status", "reason")
    cleaned = pl.col("cleaned")
    valid = cleaned.str.contains(_PATTERNS[scheme])
    return (
        field_frame(values)
        .with_columns(cleaned=_compact(pl.col(RAW)))
        .select(
            value=cleaned,  # kept when invalid, as resident IDs are; linkage ignores invalid ones
            status=field_status(pl.col(RAW), cleaned, valid, cleaned),
            reason=field_reason(pl.col(RAW), cleaned, valid, pl.lit(f"scheme:{scheme}")),
        )
    )


def plan_postcode(values: pl.Series) -> pl.LazyFrame:
    """value (upper case, inner spaces collapsed: "sw1a 1aa" -> "SW1A 1AA"), status, reason. Any
    country's postcode has letters, digits, spaces or a dash; anything else is invalid."""
    cleaned = pl.col("cleaned")
    valid = cleaned.str.contains(r"^[0-9A-Z][0-9A-Z \-]{1,9}$")
    return (
        field_frame(values)
        .with_columns(cleaned=clean_text(pl.col(RAW)).str.to_uppercase())
        .select(
            value=pl.when(valid).then(cleaned),
            status=field_status(pl.col(RAW), cleaned, valid, cleaned),
            reason=field_reason(pl.col(RAW), cleaned, valid, pl.lit("postcode_shape")),
        )
    )
