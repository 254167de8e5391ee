"""Text cleaning shared by every field: width folding, whitespace, placeholders, and field status.

Everything here is a polars expression (vectorized); the per-field modules build on it.
"""

from __future__ import annotations

import polars as pl

RAW = "raw"
"""Column name of the input values inside a field plan."""

# Only the full-width ASCII block and the ideographic space are folded. Blanket NFKC would also
# rewrite ①, ², ½ and compatibility ideographs, which are data, not formatting.
_FULLWIDTH = [chr(code) for code in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HALFWIDTH = [chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)] + [" "]

# Zero-width characters and the byte-order mark: invisible, never meaningful in a CRM field.
_INVISIBLE = r"[\u200b-\u200d\u2060\ufeff]"

PLACEHOLDERS: frozenset[str] = frozenset(
    {"无", "暂无", "没有", "空", "n/a", "na", "null", "none", "-", "--", "—", "——", "/", "?", "??"}
)
"""Values (compared lower-cased, after folding and trimming) that mean 'no value'."""
_PLACEHOLDER_MAX_BYTES = max(len(p.encode()) for p in PLACEHOLDERS)

STATUS_OK, STATUS_NORMALIZED, STATUS_MISSING, STATUS_INVALID = "ok", "normalized", "missing", "invalid"


def to_halfwidth(expr: pl.Expr) -> pl.Expr:
    """Fold full-width ASCII (U+FF01-U+FF5E) and the ideographic space (U+3000) to ASCII."""
    return expr.str.replace_many(_FULLWIDTH, _HALFWIDTH)


def keep_if(value: pl.Expr, condition: pl.Expr) -> pl.Expr:
    """`value` where `condition` holds, else null. `condition` refers to the value as
    pl.field("value"), so the value expression is evaluated only once. Keeps the output name."""
    kept = pl.struct(value=value).struct.with_fields(value=pl.when(condition).then(pl.field("value")))
    name = value.meta.output_name(raise_if_undetermined=False)
    return kept.struct.field("value").alias(name) if name else kept.struct.field("value")


def collapse_whitespace(expr: pl.Expr) -> pl.Expr:
    """Drop zero-width characters, collapse runs of Unicode whitespace to one space, and trim."""
    # Only runs and non-space whitespace are rewritten: most values have neither, and a pattern
    # that matches every single space costs twice as much.
    return expr.str.replace_all(_INVISIBLE, "").str.replace_all(r"\s{2,}|[^\S ]", " ").str.strip_chars(" ")


def null_placeholders(expr: pl.Expr) -> pl.Expr:
    """Turn empty strings and placeholders such as 无, N/A, null, - into null (case-insensitive).

    Expects an already trimmed value (see collapse_whitespace).
    """
    value = pl.field("value")
    short = pl.when(value.str.len_bytes() <= _PLACEHOLDER_MAX_BYTES).then(value)
    return keep_if(expr, ~short.str.to_lowercase().is_in(list(PLACEHOLDERS)).fill_null(False) & (value != ""))


def clean_text(expr: pl.Expr) -> pl.Expr:
    """The common first step for every text field: fold width, fix whitespace, null placeholders."""
    return null_placeholders(collapse_whitespace(to_halfwidth(expr)))


def field_status(raw: pl.Expr, cleaned: pl.Expr, valid: pl.Expr, value_text: pl.Expr) -> pl.Expr:
    """Status of one field: missing / invalid / ok (value equals the trimmed input) / normalized.

    `valid` may be null where the value could not be checked; that counts as invalid.
    """
    return (
        pl.when(cleaned.is_null())
        .then(pl.lit(STATUS_MISSING))
        .when(~valid.fill_null(False))
        .then(pl.lit(STATUS_INVALID))
        .when(value_text == raw.str.strip_chars())
        .then(pl.lit(STATUS_OK))
        .otherwise(pl.lit(STATUS_NORMALIZED))
    )


def field_frame(values: pl.Series) -> pl.LazyFrame:
    """One-column lazy frame (column RAW, String) that the plan_* functions start from."""
    return pl.LazyFrame({RAW: values.cast(pl.String)})


def plan_text(values: pl.Series) -> pl.LazyFrame:
    """Lazy form of normalize_text (see there)."""
    return (
        field_frame(values)
        .with_columns(value=clean_text(pl.col(RAW)))
        .select("value", status=field_status(pl.col(RAW), pl.col("value"), pl.lit(True), pl.col("value")))
    )


def normalize_text(values: pl.Series) -> pl.DataFrame:
    """Normalize a free-text field (name, address, ...): columns value, status."""
    return plan_text(values).collect()


def plan_tags(values: pl.Series) -> pl.LazyFrame:
    """Lazy form of normalize_tags (see there)."""
    tidy = clean_text(pl.col(RAW)).str.replace_all(r"\s*;[\s;]*", ";").str.strip_chars("; ")
    return field_frame(values).select(value=null_placeholders(tidy))


def normalize_tags(values: pl.Series) -> pl.DataFrame:
    """Clean a ;-separated tag list (full-width ； folds to ;): no blanks around or between separators.

    Column value only: tags carry no status.
    """
    return plan_tags(values).collect()
