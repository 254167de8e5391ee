"""Hard negatives added for issue 20: distinct entities that the matcher must keep apart although
they share almost everything, each pair with the same `hn_group` in the ground truth.

- twins (4): same surname, birth date, home address and landline, usually one mobile; the given
  names differ by one character of another reading (张子涵 / 张子轩), and each has its own ID;
- legal form (5): a company and another of the same trade name, industry and city but another
  legal form (有限公司 / 股份有限公司 / 集团有限公司), with its own credit code;
- branch (6): a company and its branch (…朝阳分公司 / …分店) in the same city, own credit code;
- brand character (7): same industry and city, trade names one character apart (华信 / 华鑫).

Companies whose contact person changed are true duplicates the generator already makes
(duplicates.DUP_NEW_CONTACT); they must still merge on their credit code.
"""

from __future__ import annotations

import numpy as np

from dq_generator.companies import TRADE_CHARS
from dq_generator.names import GIVEN_CHARS

TWINS, LEGAL_FORM, BRANCH, BRAND_CHAR = 4, 5, 6, 7
_HOME = ("surname", "birth_y", "birth_m", "birth_d", "district", "street", "house_no", "community",
         "block", "unit", "room", "has_landline", "landline")  # fmt: skip
_FIRM = ("trade", "industry", "suffix", "district")
# legal forms that differ in kind: 有限公司 (and 有限责任公司) / 股份有限公司 / 集团有限公司
_OTHER_FORM = {0: (2, 3), 1: (2, 3), 2: (0, 3), 3: (0, 2)}


def _pairs(rng: np.random.Generator, candidates: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    size = min(max(1, round(share * len(candidates))), len(candidates) // 2)
    chosen = rng.permutation(candidates)[: 2 * size]
    return chosen[:size], chosen[size:]


def add_twins(rng: np.random.Generator, ent: dict[str, np.ndarray], share: float = 0.01) -> None:
    """Make `share` of the persons not yet a hard negative into twin pairs (see module docstring)."""
    free = np.flatnonzero(~ent["is_company"] & (ent["hard_negative"] == 0))
    head, twin = _pairs(rng, free, share)
    for key in _HOME:
        ent[key][twin] = ent[key][head]
    shares_mobile = rng.random(len(twin)) < 0.7
    ent["mobile"][twin[shares_mobile]] = ent["mobile"][head[shares_mobile]]
    ent["given1"][twin] = ent["given1"][head]
    ent["given2"][twin] = ent["given2"][head]
    # the second given character (the first where there is only one) becomes another one
    at2 = ent["given2"][head] >= 0
    old = np.where(at2, ent["given2"][head], ent["given1"][head])
    new = (old + 1 + rng.integers(0, len(GIVEN_CHARS) - 1, len(old))) % len(GIVEN_CHARS)
    ent["given2"][twin[at2]] = new[at2]
    ent["given1"][twin[~at2]] = new[~at2]
    ent["male"][twin] = rng.random(len(twin)) < 0.5
    _mark(ent, head, twin, TWINS)


def add_company_look_alikes(
    rng: np.random.Generator, ent: dict[str, np.ndarray], share: float = 0.015
) -> None:
    """Legal-form, branch and brand-character look-alikes, `share` of the free companies each."""
    ent["branch"] = np.zeros(len(ent["is_company"]), dtype=np.int8)  # 1 分公司, 2 分店
    for kind in (LEGAL_FORM, BRANCH, BRAND_CHAR):
        free = np.flatnonzero(ent["is_company"] & (ent["hard_negative"] == 0))
        original, copy = _pairs(rng, free, share)
        for key in _FIRM:
            ent[key][copy] = ent[key][original]
        if kind == LEGAL_FORM:
            choices = np.array([_OTHER_FORM[int(s)] for s in ent["suffix"][original]]).reshape(-1, 2)
            ent["suffix"][copy] = choices[np.arange(len(copy)), rng.integers(0, 2, len(copy))]
        elif kind == BRANCH:
            ent["branch"][copy] = 1 + (rng.random(len(copy)) < 0.3)
        else:
            _change_one_trade_char(rng, ent, copy)
        _mark(ent, original, copy, kind)


def _change_one_trade_char(rng: np.random.Generator, ent: dict[str, np.ndarray], rows: np.ndarray) -> None:
    trade = ent["trade"][rows]
    length = (trade >= 0).sum(axis=1)
    position = rng.integers(0, length)
    old = trade[np.arange(len(rows)), position]
    trade[np.arange(len(rows)), position] = (
        old + 1 + rng.integers(0, len(TRADE_CHARS) - 1, len(rows))
    ) % len(TRADE_CHARS)
    ent["trade"][rows] = trade


def _mark(ent: dict[str, np.ndarray], anchor: np.ndarray, other: np.ndarray, kind: int) -> None:
    ent["hard_negative"][np.concatenate([anchor, other])] = kind
    ent["hn_group"][anchor] = anchor
    ent["hn_group"][other] = anchor
