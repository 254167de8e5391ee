"""Vectorized helpers for dq's pandas metric providers on `category` columns.

dq hands GX text as pandas categories (runner._pandas_frame). A string test runs once per distinct
value and is spread to the rows by their codes: a regex over 200k names that hold 60k distinct
values costs a third, and nothing is converted back to strings.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def per_value(column: pd.Series, test: Callable[[pd.Series], pd.Series], null: bool = False) -> pd.Series:
    """`test` (a boolean function of a string Series) applied per distinct value; `null` for nulls."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = pd.Series(column.cat.categories, dtype="string")
        verdict = test(categories).fillna(null).to_numpy(dtype=bool)
        codes = column.cat.codes.to_numpy()
        out = np.where(codes >= 0, verdict[np.maximum(codes, 0)] if len(verdict) else null, null)
        return pd.Series(out, index=column.index)
    values = column if column.dtype == object else column.astype("string")
    return test(values).fillna(null).astype(bool)


def pair_codes(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """(row -> combination id, combinations as (i, j) rows, A's values, B's values) of two columns,
    so a test of the pair runs once per distinct combination."""
    a_cat, b_cat = a.astype("category"), b.astype("category")
    a_codes, b_codes = a_cat.cat.codes.to_numpy(np.int64), b_cat.cat.codes.to_numpy(np.int64)
    width = len(b_cat.cat.categories) + 1
    combined = (a_codes + 1) * width + (b_codes + 1)
    unique, inverse = np.unique(combined, return_inverse=True)
    pairs = np.stack([unique // width - 1, unique % width - 1], axis=1)
    return inverse, pairs, list(a_cat.cat.categories), list(b_cat.cat.categories)
