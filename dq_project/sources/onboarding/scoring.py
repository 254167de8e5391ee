"""How well a column fits a field: header synonyms (synonyms.toml) and value shapes.

Scores: a header equal to a synonym 100 + its length (a dotted JSON key's leaf, or its parent when
the leaf is generic like `value`: 90 + length); a synonym inside the header: its length, +20 when it
ends the header (the head word); a value shape held by 60% of a column's values (11-digit 1xx
mobile, resident ID with its check digit, credit code with its check character, e-mail, landline):
+50 for that field. propose.py turns the scores into one field per column.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import polars as pl

from dq_project.normalize.cn_ids import credit_code_checksum_ok, resident_id_checksum_ok

SYNONYMS = Path(__file__).with_name("synonyms.toml")
SHAPE_SHARE = 0.6
SUFFIX_BONUS = 20
GENERIC_LEAVES = frozenset({"value", "number", "text", "name", "id", "userid", "code"})
# Objects that reference another record: their nested fields (owner_id.email, account_id.phone)
# describe that record, the salesperson or the organization, not the customer.
REFERENCE_FIELDS = ("owner", "company_name")
_IGNORED = re.compile(r"[\s_\-./()\ufeff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def synonyms() -> dict:
    return tomllib.loads(SYNONYMS.read_text(encoding="utf-8"))


def squash(name: str) -> str:
    return _IGNORED.sub("", name).casefold()


def _header_score(column: str, synonym: str) -> int:
    syn = squash(synonym)
    if not syn:
        return 0
    whole = squash(column)
    if whole == syn:
        return 100 + len(syn)
    if "." in column:
        return _nested_score(column, syn)
    return _loose_score(whole, syn)


def _loose_score(header: str, syn: str) -> int:
    """A synonym inside the header: its length. The head word comes last in English and Chinese
    headers alike ("address1_city" is a city, "Default Address Zip" a postcode, 客户名称 a name),
    so a synonym that ends the header outranks one inside it, and may be as short as 3 letters."""
    if header.endswith(syn) and len(syn) >= 3:
        return len(syn) + SUFFIX_BONUS
    long_enough = len(syn) >= 4 or (len(syn) >= 2 and _CJK.search(syn))
    return len(syn) if long_enough and syn in header else 0


def _nested_score(column: str, syn: str) -> int:
    """A dotted JSON column is named by its leaf ("properties.mobilephone"), or by its parent when
    the leaf is a generic key ("phone.value" of Pipedrive's phone list, "follow_user.userid"); a
    loose match looks at the leaf only, so "phone.label" is no phone."""
    parts = column.rsplit(".", 2)
    leaf, parent = squash(parts[-1]), squash(parts[-2])
    if leaf == syn or (leaf in GENERIC_LEAVES and parent == syn):
        return 90 + len(syn)
    return _loose_score(leaf, syn)


def header_scores(columns: list[str], fields: list[str]) -> dict[tuple[str, str], int]:
    table = synonyms()["fields"]
    scores = {}
    for column in columns:
        for name in fields:
            best = max((_header_score(column, s) for s in table.get(name, [])), default=0)
            if best:
                scores[(column, name)] = best
    return scores


def share(frame: pl.DataFrame, column: str, test: pl.Expr) -> float:
    values = frame.select(pl.col(column).str.strip_chars().alias("v")).filter(pl.col("v").fill_null("") != "")
    if values.is_empty():
        return 0.0
    return float(values.select(test.cast(pl.Float64).mean()).item() or 0.0)


def shape_scores(frame: pl.DataFrame) -> dict[tuple[str, str], int]:
    """+50 for a field when 60% of a column's non-blank values have its shape."""
    v = pl.col("v")
    digits = v.str.replace_all(r"[\s\-()]", "")
    shapes = {
        "mobile": digits.str.contains(r"^(\+?86)?1[3-9]\d{9}$"),
        "id_number": resident_id_checksum_ok(v.str.to_uppercase()),
        "credit_code": credit_code_checksum_ok(v.str.to_uppercase()),
        "email": v.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
        "phone": digits.str.contains(r"^(\+?86)?0\d{2,3}\d{7,8}$"),
    }
    scores = {}
    for column in frame.columns:
        for name, test in shapes.items():
            if share(frame, column, test.fill_null(False)) >= SHAPE_SHARE:
                scores[(column, name)] = 50
    return scores


def phone_by_shape(scores: dict[tuple[str, str], int], shapes: set[tuple[str, str]]) -> None:
    """A "phone" header over values shaped as mobiles is a mobile column (Mailchimp's "Phone
    Number", Shopify's "Phone"): the header's score moves to `mobile`."""
    for column, name in shapes:
        if name == "mobile" and (column, "phone") in scores and (column, "phone") not in shapes:
            header = scores.pop((column, "phone"))
            scores[(column, "mobile")] = max(scores[(column, "mobile")], header + 50)


def references_only(scores: dict[tuple[str, str], int], columns: list[str]) -> None:
    """A nested column under a reference to the owner or the company (an expanded foreign key
    such as Pipedrive's `owner_id.email`) can only be that field, never the customer's e-mail or
    phone. Only `…id` objects count: a relation like WeCom's `follow_user` also carries the
    customer's own data (remark_mobiles, createtime)."""
    table = synonyms()["fields"]
    for column in columns:
        if "." not in column:
            continue
        parent = squash(column.rsplit(".", 2)[-2])
        if not parent.endswith("id"):
            continue
        owner = next((f for f in REFERENCE_FIELDS if parent in {squash(s) for s in table.get(f, [])}), None)
        if owner:
            for key in [k for k in scores if k[0] == column and k[1] != owner]:
                del scores[key]
