"""Checksummed identifiers, computed on whole arrays: resident IDs (GB 11643) and USCC (GB 32100).

Codes are kept as integer matrices (one column per character) until rendered, so check characters
are dot products and a wrong check character is an index shift.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from dq_generator.text import later_duplicates

# GB 11643: weights 2^(17-i) mod 11; check value 10 is written X.
_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
RIC_CHECK_CHARS = np.array(list("0123456789X"))
# GB 32100 alphabet (no I, O, S, V, Z) and weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
# GB 11714 organization code: weights of the 8 body characters; letters count A=10 .. Z=35.
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ORG_VALUE = np.array([int(c, 36) for c in USCC_ALPHABET], dtype=np.int64)
_POW10 = 10 ** np.arange(16, -1, -1, dtype=np.int64)


def ric_bodies(
    rng: np.random.Generator, region: np.ndarray, birth: np.ndarray, male: np.ndarray
) -> np.ndarray:
    """Distinct 17-digit ID bodies: region code, birth date (YYYYMMDD int), sequence (odd for men)."""
    base = region * 10**11 + birth * 1000

    def sequences(size: int, is_male: np.ndarray) -> np.ndarray:
        return 2 * rng.integers(1, 500, size) + is_male.astype(np.int64)

    body = base + sequences(len(base), male)
    for _ in range(50):
        dup = later_duplicates(body)
        if not dup.any():
            return body
        body[dup] = base[dup] + sequences(int(dup.sum()), male[dup])
    raise RuntimeError("could not draw distinct resident ID numbers; too many people per district and day")


def ric_check_values(body: np.ndarray) -> np.ndarray:
    """GB 11643 check values (0-10) of 17-digit bodies."""
    digits = (body[:, None] // _POW10) % 10
    return (12 - (digits @ _RIC_WEIGHTS) % 11) % 11


def ric_text(body: np.ndarray, check: np.ndarray) -> pl.Series:
    """18-character resident IDs from bodies and check values."""
    return pl.Series(body).cast(pl.String) + pl.Series(RIC_CHECK_CHARS[check])


def uscc_bodies(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """Distinct 17-character USCC bodies as alphabet-index matrices (n, 17).

    Authority 9 (market regulation) and type 1 (enterprise), the region code, then an organization
    code: "MA" + 6 characters for post-2015 registrations, else 8 digits, plus its GB 11714 check.
    """
    n = len(region)
    body = np.zeros((n, 17), dtype=np.int64)
    body[:, 0], body[:, 1] = 9, 1
    body[:, 2:8] = (region[:, None] // 10 ** np.arange(5, -1, -1)) % 10
    for _ in range(50):
        todo = np.flatnonzero(~body[:, 8:17].any(axis=1) | _duplicated_rows(body))
        if len(todo) == 0:
            return body
        body[todo, 8:16] = _org_code_bodies(rng, len(todo))
        org_sum = _ORG_VALUE[body[todo, 8:16]] @ _ORG_WEIGHTS
        org_check = 11 - org_sum % 11  # 10 is written X, 11 is written 0
        body[todo, 16] = np.where(org_check == 10, USCC_ALPHABET.index("X"), org_check % 11)
    raise RuntimeError("could not draw distinct credit codes")


def _org_code_bodies(rng: np.random.Generator, n: int) -> np.ndarray:
    modern = rng.random(n) < 0.6
    chars = rng.integers(0, len(USCC_ALPHABET), (n, 8))
    digits = rng.integers(0, 10, (n, 8))
    digits[:, 0] = rng.integers(1, 10, n)
    chars[:, 0], chars[:, 1] = USCC_ALPHABET.index("M"), USCC_ALPHABET.index("A")
    return np.where(modern[:, None], chars, digits)


def _duplicated_rows(body: np.ndarray) -> np.ndarray:
    # region (< 2^20) and 8 base-31 characters (< 2^40) pack into one int64 key
    key = body[:, 2:8] @ (10 ** np.arange(5, -1, -1)) * 31**8 + body[:, 8:16] @ (31 ** np.arange(8))
    return later_duplicates(key)


def uscc_check_values(body: np.ndarray) -> np.ndarray:
    """GB 32100 check character indices (into USCC_ALPHABET) of (n, 17) bodies."""
    return (31 - (body @ _USCC_WEIGHTS) % 31) % 31


def uscc_text(body: np.ndarray, check: np.ndarray) -> pl.Series:
    """18-character credit codes from body matrices and check indices."""
    alphabet = np.array(list(USCC_ALPHABET))
    chars = np.ascontiguousarray(alphabet[np.column_stack([body, check])])
    return pl.Series(chars.view("<U18").ravel())
