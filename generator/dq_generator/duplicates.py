"""How the later records of an entity (its duplicates) differ from its first, and the evidence they keep.

Only records of rank > 0 vary; the first record of an entity carries its registered values. Rates are
shares of the duplicates of the stated customer type:

- a person duplicate has no resident ID (DUP_WITHOUT_ID), a company duplicate no credit code
  (DUP_WITHOUT_CREDIT_CODE): the source did not collect it; such a blank is not a defect;
- the customer changed numbers (DUP_NEW_MOBILE): the entity's second, valid mobile;
- the email is left out (DUP_EMAIL_DROPPED, listed as a `missing` defect as before) or another
  mailbox of the customer is given (DUP_EMAIL_OTHER);
- a person's name is spelled in pinyin (DUP_NAME_PINYIN) or has one character mistyped, a
  homophone where the character has one (DUP_NAME_TYPO);
- a person's birth date has day and month swapped where that gives another valid date, else it is
  left out (DUP_BIRTH_CHANGED);
- a company record names another contact person, with that person's own mobile (DUP_NEW_CONTACT).

Evidence guarantee: every duplicate shares at least two intact pieces of evidence with the first
record of its entity, after defects are planted. Evidence is the name (a person's name in characters
or pinyin, a company's trade name), birth date, mobile, email and resident ID / credit code; a field
is intact when neither a variation nor a defect changed or blanked it (full-width text and case do
not count as changes). The address, always the same place, is extra evidence not counted here.
Where the draws leave fewer than two, `keep_evidence` undoes variations and defects on both records,
in the order of EVIDENCE, until two remain.
"""

from __future__ import annotations

import numpy as np
import polars as pl

DUP_WITHOUT_ID = 0.30
DUP_WITHOUT_CREDIT_CODE = 0.15
DUP_NEW_MOBILE = 0.12
DUP_EMAIL_DROPPED = 0.10
DUP_EMAIL_OTHER = 0.10
DUP_NAME_PINYIN = 0.10
DUP_NAME_TYPO = 0.08
DUP_BIRTH_CHANGED = 0.10
DUP_NEW_CONTACT = 0.20
MIN_EVIDENCE = 2

NAME_AS_IS, NAME_PINYIN, NAME_TYPO = 0, 1, 2
BIRTH_AS_IS, BIRTH_SWAPPED, BIRTH_LEFT_OUT = 0, 1, 2
# Evidence fields, in the order they are restored, and the defect fields that can spoil each.
EVIDENCE = ("name", "birth_date", "mobile", "email", "code")
_SPOILED_BY = {
    "name": ("name",),
    "birth_date": ("birth_date",),
    "mobile": ("mobile",),
    "email": ("email",),
    "code": ("id_number", "credit_code"),
}
_HARMLESS = {"fullwidth"}


def draw_variations(
    rng: np.random.Generator,
    rank: np.ndarray,
    is_company: np.ndarray,
    birth_m: np.ndarray,
    birth_d: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per-record variation columns (all off on first records)."""
    n = len(rank)
    dup = rank > 0
    person_dup, company_dup = dup & ~is_company, dup & is_company
    u_code, u_mobile, u_email, u_name, u_birth, u_contact = rng.random((6, n))
    u_email = np.where(dup, u_email, 1.0)
    name_form = np.where(
        u_name < DUP_NAME_PINYIN,
        NAME_PINYIN,
        np.where(u_name < DUP_NAME_PINYIN + DUP_NAME_TYPO, NAME_TYPO, NAME_AS_IS),
    )
    swappable = (birth_d <= 12) & (birth_d != birth_m)
    birth_form = np.where(swappable, BIRTH_SWAPPED, BIRTH_LEFT_OUT)
    return {
        "code_omitted": (person_dup & (u_code < DUP_WITHOUT_ID))
        | (company_dup & (u_code < DUP_WITHOUT_CREDIT_CODE)),
        "new_mobile": dup & (u_mobile < DUP_NEW_MOBILE),
        "email_other": u_email < DUP_EMAIL_OTHER,
        "email_dropped": (u_email >= DUP_EMAIL_OTHER) & (u_email < DUP_EMAIL_OTHER + DUP_EMAIL_DROPPED),
        "name_form": np.where(person_dup, name_form, NAME_AS_IS),
        "birth_form": np.where(person_dup & (u_birth < DUP_BIRTH_CHANGED), birth_form, BIRTH_AS_IS),
        "new_contact": company_dup & (u_contact < DUP_NEW_CONTACT),
    }


def first_rows(entity: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """For every record, the row index of its entity's first record."""
    first = np.flatnonzero(rank == 0)
    row_of = np.empty(int(entity.max()) + 1, dtype=np.int64)
    row_of[entity[first]] = first
    return row_of[entity]


def intact_evidence(work: pl.DataFrame, masks: dict[tuple[str, str], np.ndarray]) -> np.ndarray:
    """(records, EVIDENCE) mask: the record shows its entity's value of the evidence field."""
    company = work["is_company"].to_numpy()
    col = {
        c: work[c].to_numpy()
        for c in ("name_form", "birth_form", "new_mobile", "new_contact", "email_other", "code_omitted")
    }
    changed = {
        "name": ~company & (col["name_form"] == NAME_TYPO),
        "birth_date": company | (col["birth_form"] != BIRTH_AS_IS),
        "mobile": col["new_mobile"] | col["new_contact"],
        "email": col["email_other"],
        "code": col["code_omitted"],
    }
    spoiled = _spoiling_masks(masks)
    # A company's name evidence is its trade name, which every record writes and no defect touches.
    spoiled["name"] = spoiled["name"] & ~company
    return np.column_stack([~changed[f] & ~spoiled[f] for f in EVIDENCE])


def keep_evidence(work: pl.DataFrame, masks: dict[tuple[str, str], np.ndarray]) -> pl.DataFrame:
    """Undo variations (in `work`) and defects (in `masks`, in place) so that every duplicate shares
    at least MIN_EVIDENCE intact evidence fields with its entity's first record."""
    rank = work["rank"].to_numpy()
    first = first_rows(work["entity"].to_numpy(), rank)
    intact = intact_evidence(work, masks)
    shared = intact & intact[first]
    need = np.where(rank > 0, MIN_EVIDENCE - shared.sum(axis=1), 0)
    restorable = ~shared
    restorable[:, EVIDENCE.index("birth_date")] &= ~work["is_company"].to_numpy()
    restore = restorable & (np.cumsum(restorable, axis=1) <= need[:, None])
    if not restore.any():
        return work
    for j, field in enumerate(EVIDENCE):
        rows = np.flatnonzero(restore[:, j])
        rows = np.concatenate([rows, first[rows]])
        for (defect_field, _), mask in masks.items():
            if defect_field in _SPOILED_BY[field]:
                mask[rows] = False
    r = {f: pl.lit(pl.Series(restore[:, j])) for j, f in enumerate(EVIDENCE)}
    return work.with_columns(
        name_form=pl.when(r["name"] & (pl.col("name_form") == NAME_TYPO))
        .then(NAME_AS_IS)
        .otherwise("name_form"),
        birth_form=pl.when(r["birth_date"]).then(BIRTH_AS_IS).otherwise("birth_form"),
        new_mobile=pl.col("new_mobile") & ~r["mobile"],
        new_contact=pl.col("new_contact") & ~r["mobile"],
        email_other=pl.col("email_other") & ~r["email"],
        code_omitted=pl.col("code_omitted") & ~r["code"],
    )


def _spoiling_masks(masks: dict[tuple[str, str], np.ndarray]) -> dict[str, np.ndarray]:
    n = len(next(iter(masks.values())))
    spoiled = {f: np.zeros(n, dtype=bool) for f in EVIDENCE}
    for (field, kind), mask in masks.items():
        for evidence, fields in _SPOILED_BY.items():
            if field in fields and kind not in _HARMLESS:
                spoiled[evidence] |= mask
    return spoiled
