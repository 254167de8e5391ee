"""Vectorized text assembly shared by the generator modules (lookups, digit strings, full width)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

# Printable ASCII (except space) and its full-width forms U+FF01..U+FF5E.
_ASCII = [chr(c) for c in range(0x21, 0x7F)]
_FULLWIDTH = [chr(c + 0xFEE0) for c in range(0x21, 0x7F)]


def take(values: Sequence[str], idx: np.ndarray) -> pl.Series:
    """values[idx] as a string Series; a negative index gives an empty string."""
    table = pl.Series(list(values) + [""], dtype=pl.String)
    return table.gather(np.where(idx < 0, len(values), idx))


def digits(numbers: np.ndarray | pl.Expr, width: int = 0) -> pl.Expr:
    """Integers as decimal text, left-padded with zeros to `width`."""
    expr = numbers if isinstance(numbers, pl.Expr) else pl.lit(pl.Series(numbers))
    text = expr.cast(pl.String)
    return text.str.zfill(width) if width else text


def fullwidth(expr: pl.Expr) -> pl.Expr:
    """Every printable ASCII character replaced by its full-width form."""
    return expr.str.replace_many(_ASCII, _FULLWIDTH)


def choose(rng: np.random.Generator, n: int, weights: Sequence[float]) -> np.ndarray:
    """n draws of an option index with the given relative weights."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum())


def later_duplicates(values: np.ndarray) -> np.ndarray:
    """Mask of elements equal to an earlier element (the first occurrence stays unmasked)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    mask = np.zeros(len(values), dtype=bool)
    mask[order[1:][ordered[1:] == ordered[:-1]]] = True
    return mask
