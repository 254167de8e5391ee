"""Text cleaning shared by every field: width folding, whitespace, placeholders, and field status.

Everything here is a polars expression (vectorized); the per-field modules build on it.
"""

from __future__ import annotations

from collections.abc import Callable

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
    {
        "无",
        "暂无",
        "没有",
        "空",
        "未知",
        "不详",
        "n/a",
        "na",
        "null",
        "none",
        "-",
        "--",
        "—",
        "——",
        "/",
        "?",
        "??",
        "test",
        "测试",
        "123456",
    }
)
"""Values (compared lower-cased, after folding and trimming) that mean 'no value'."""
# "Na" (娜, 纳) is a given or family name in pinyin, so a name part keeps it: a Salesforce contact
# FirstName "Na", LastName "Li" is 李娜, not a contact without a given name.
NAME_PART_PLACEHOLDERS: frozenset[str] = PLACEHOLDERS - {"na"}
_PLACEHOLDER_MAX_BYTES = max(len(p.encode()) for p in PLACEHOLDERS)

STATUS_OK, STATUS_NORMALIZED, STATUS_MISSING, STATUS_INVALID = "ok", "normalized", "missing", "invalid"


def to_halfwidth(expr: pl.Expr) -> pl.Expr:
    """Fold full-width ASCII (U+FF01-U+FF5E) and the ideographic space (U+3000) to ASCII."""
    return expr.str.replace_many(_FULLWIDTH, _HALFWIDTH)


def once(expr: pl.Expr, build: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """`build(x)` with x standing for `expr` evaluated a single time; keeps expr's output name.

    Polars evaluates a subexpression again at each place it occurs inside one expression (a
    17-term checksum over one parsed number parsed it 17 times); a struct field computes it once.
    `build` must refer to nothing but its argument and expressions independent of any struct.
    """
    result = pl.struct(x=expr).struct.with_fields(x=build(pl.field("x"))).struct.field("x")
    name = expr.meta.output_name(raise_if_undetermined=False)
    return result.alias(name) if name else result


def keep_if(expr: pl.Expr, predicate: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """`expr` where `predicate(expr)` holds, else null (expr evaluated once)."""
    return once(expr, lambda value: pl.when(predicate(value)).then(value))


def collapse_whitespace(expr: pl.Expr) -> pl.Expr:
    """Drop zero-width characters, collapse runs of Unicode whitespace to one space, and trim."""
    # Only runs and non-space whitespace are rewritten: most values have neither, and a pattern
    # that matches every single space costs twice as much.
    return expr.str.replace_all(_INVISIBLE, "").str.replace_all(r"\s{2,}|[^\S ]", " ").str.strip_chars(" ")


def null_placeholders(expr: pl.Expr, placeholders: frozenset[str] = PLACEHOLDERS) -> pl.Expr:
    """Turn empty strings and placeholders such as 无, N/A, null, - into null (case-insensitive).

    Expects an already trimmed value (see collapse_whitespace).
    """

    def is_value(text: pl.Expr) -> pl.Expr:
        short = pl.when(text.str.len_bytes() <= _PLACEHOLDER_MAX_BYTES).then(text)
        return ~short.str.to_lowercase().is_in(list(placeholders)).fill_null(False) & (text != "")

    return keep_if(expr, is_value)


def clean_text(expr: pl.Expr, placeholders: frozenset[str] = PLACEHOLDERS) -> pl.Expr:
    """The common first step for every text field: fold width, fix whitespace, null placeholders."""
    return null_placeholders(collapse_whitespace(to_halfwidth(expr)), placeholders)


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


def missing_reason(raw: pl.Expr) -> pl.Expr:
    """Why a value counts as missing: 'blank' (null or only whitespace) or 'placeholder:<text>'
    (the folded, trimmed input, at most 20 characters)."""
    folded = collapse_whitespace(to_halfwidth(raw))
    return (
        pl.when(folded.is_null() | (folded == ""))
        .then(pl.lit("blank"))
        .otherwise(pl.lit("placeholder:") + folded.str.slice(0, 20))
    )


def field_reason(raw: pl.Expr, cleaned: pl.Expr, valid: pl.Expr, invalid_reason: pl.Expr) -> pl.Expr:
    """Reason that goes with field_status: missing_reason when missing, `invalid_reason` when
    invalid, null when ok or normalized."""
    return (
        pl.when(cleaned.is_null())
        .then(missing_reason(raw))
        .when(~valid.fill_null(False))
        .then(invalid_reason)
        .otherwise(pl.lit(None, pl.String))
    )


def field_frame(values: pl.Series) -> pl.LazyFrame:
    """One-column lazy frame (column RAW, String) that the plan_* functions start from."""
    return pl.LazyFrame({RAW: values.cast(pl.String)})


def plan_text(values: pl.Series, placeholders: frozenset[str] = PLACEHOLDERS) -> pl.LazyFrame:
    """Lazy form of normalize_text (see there); `placeholders` are the texts that count as missing."""
    return (
        field_frame(values)
        .with_columns(value=clean_text(pl.col(RAW), placeholders))
        .select(
            "value",
            status=field_status(pl.col(RAW), pl.col("value"), pl.lit(True), pl.col("value")),
            reason=field_reason(pl.col(RAW), pl.col("value"), pl.lit(True), pl.lit(None, pl.String)),
        )
    )


def normalize_text(values: pl.Series) -> pl.DataFrame:
    """Normalize a free-text field (name, address, ...): columns value, status, reason."""
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
