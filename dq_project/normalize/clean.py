"""Column helpers for the matching features: text cleaning, and doing slow string work only on the
values that need it (eager polars computes every expression in full, for every row, every time it
appears, so "when it can change, change it" has to be spelled out on series)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

# Text that cleaning leaves as is: printable ASCII and CJK ideographs are their own NFKC form
# (neither decomposes nor composes with a neighbour), and without whitespace, "·" or "•" there is
# nothing to collapse or trim.
ALREADY_CLEAN = r"^[!-~\u3400-\u4dbf\u4e00-\u9fff]*$"
# Above this share of distinct values, per_value costs more than it saves.
_PER_VALUE_MAX_SHARE = 0.1


def clean_text(values: pl.Series) -> pl.Series:
    """NFKC form, each run of whitespace (and "·", "•") as one space, trimmed; blank -> null.
    Only values outside ALREADY_CLEAN go through the (slow) normalization."""
    dirty = values.str.contains(ALREADY_CLEAN).not_().fill_null(False)
    cleaned = on_rows(values, dirty, _clean_all)
    return blank_to_null(cleaned)


def _clean_all(values: pl.Series) -> pl.Series:
    return values.str.normalize("NFKC").str.replace_all(r"[\s\u3000·•]+", " ").str.strip_chars()


def blank_to_null(values: pl.Series) -> pl.Series:
    """Empty strings -> null."""
    return values.set(values == "", None)


def on_rows(values: pl.Series, rows: pl.Series, change: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """values, with `change` applied to the rows where the boolean series `rows` is true (`change`
    maps those values to as many results)."""
    index = rows.arg_true()
    return values.clone().scatter(index, change(values.gather(index))) if len(index) else values


def per_value(values: pl.Series, change: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """values.pipe(change), computing `change` once per distinct value when there are few of them
    (city, district, province); `change` must map null to null and keep the string type."""
    distinct = values.unique().drop_nulls()
    if len(distinct) > _PER_VALUE_MAX_SHARE * len(values):
        return change(values)
    return values.replace_strict(distinct, change(distinct), default=None, return_dtype=pl.String)


def replace_where(values: pl.Series, pattern: str, replacement: str, literals: list[str]) -> pl.Series:
    """values.str.replace_all(pattern, replacement), run only on the values that contain one of
    `literals` (every match of the pattern contains one)."""
    has_literal = values.str.contains_any(literals).fill_null(False)
    return on_rows(values, has_literal, lambda v: v.str.replace_all(pattern, replacement))
