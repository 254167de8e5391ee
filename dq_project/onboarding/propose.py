"""A mapping proposal: header synonyms (synonyms.toml) and value shapes, one field per column.

Scores: a header equal to a synonym 100 + its length (a dotted JSON key's last part: 90 + length);
a synonym of 3+ letters or 2+ CJK characters inside the header: its length; a value shape held by
60% of a column's values (11-digit 1xx mobile, resident ID with its check digit, credit code with
its check character, e-mail, landline): +50 for that field. Pairs are taken best first, ties by
column order then field order, so a second run proposes the same. Columns with two meanings get
conditions or patterns (conditions.py). A `name` column whose values are
mostly company names becomes company_name; first and last name columns are joined into `name` while
given_name/family_name are not canonical. Fields not in settings.CANONICAL_FIELDS are skipped.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from dq_project import settings as dq_settings
from dq_project.normalize.cn_ids import credit_code_checksum_ok, resident_id_checksum_ok
from dq_project.onboarding.conditions import company_condition, split_ids, split_names, split_owner

SYNONYMS = Path(__file__).with_name("synonyms.toml")
SHAPE_SHARE = 0.6
_IGNORED = re.compile(r"[\s_\-./()\ufeff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Proposal:
    """Field -> mapping value (a column, columns joined, or an inline table with codes)."""

    mapping: dict[str, object] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    primary_key: str | None = None


@cache
def synonyms() -> dict:
    return tomllib.loads(SYNONYMS.read_text(encoding="utf-8"))


def squash(name: str) -> str:
    return _IGNORED.sub("", name).casefold()


def _header_score(column: str, synonym: str) -> int:
    whole, last = squash(column), squash(column.rsplit(".", 1)[-1])
    syn = squash(synonym)
    if not syn:
        return 0
    if whole == syn:
        return 100 + len(syn)
    if "." in column and last == syn:
        return 90 + len(syn)
    long_enough = len(syn) >= 4 or (len(syn) >= 2 and _CJK.search(syn))
    return len(syn) if long_enough and syn in whole else 0


def header_scores(columns: list[str], fields: list[str]) -> dict[tuple[str, str], int]:
    table = synonyms()["fields"]
    scores = {}
    for column in columns:
        for name in fields:
            best = max((_header_score(column, s) for s in table.get(name, [])), default=0)
            if best:
                scores[(column, name)] = best
    return scores


def _share(frame: pl.DataFrame, column: str, test: pl.Expr) -> float:
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
            if _share(frame, column, test.fill_null(False)) >= SHAPE_SHARE:
                scores[(column, name)] = 50
    return scores


def _stripped_names(frame: pl.DataFrame) -> pl.DataFrame:
    """Header names without surrounding spaces (FEBRL writes ", given_name"), when still unique:
    the header matching of a load ignores them, and the config reads better."""
    stripped = [c.strip() for c in frame.columns]
    return (
        frame.rename(dict(zip(frame.columns, stripped, strict=True)))
        if len(set(stripped)) == len(stripped)
        else frame
    )


def _is_key(frame: pl.DataFrame, column: str) -> bool:
    values = frame[column].str.strip_chars()
    return frame.height > 0 and values.null_count() == 0 and values.n_unique() == frame.height


def _company_like(frame: pl.DataFrame, column: str) -> bool:
    suffixes = "|".join(re.escape(s) for s in synonyms()["company_suffixes"]["suffixes"])
    test = pl.col("v").str.to_lowercase().str.contains(rf"(?:{suffixes})\W*$")
    return _share(frame, column, test) >= 0.5


def code_table(frame: pl.DataFrame, column: str, name: str) -> dict | None:
    """{column, codes, codes_other} when the column's values are codes of the field (synonyms.toml)."""
    known = synonyms().get("codes", {}).get(name)
    if not known:
        return None
    seen = frame[column].drop_nulls().str.strip_chars()
    seen = sorted(v for v in seen.unique().to_list() if v)
    if not seen or len(seen) > 12:
        return None
    hits = {v: known[v.casefold()] for v in seen if v.casefold() in known}
    if len(set(hits.values())) < 2 or len(hits) < 0.6 * len(seen) or set(hits) <= set(known.values()):
        return None  # not codes, or already the canonical spelling
    table = {"column": column, "codes": hits}
    if len(hits) < len(seen):
        table["codes_other"] = "null"
    return table


CODED = ("customer_type", "gender")
_REGION = re.compile(r"^\S+(省|市|自治区|特别行政区)\s+\S+(\s+\S+)?$")
REGION_PATTERNS = {"province": r"^(\S+)", "city": r"^\S+\s+(\S+)", "district": r"^\S+\s+\S+\s+(\S+)"}


def _contact(frame: pl.DataFrame, columns: list[str], mapping: dict[str, object]) -> str | None:
    """An unmapped column named like a contact person (synonyms.toml [contact])."""
    used = {v for v in mapping.values() if isinstance(v, str)}
    names = {squash(n) for n in synonyms().get("contact", {}).get("names", [])}
    return next((c for c in columns if c not in used and squash(c) in names), None)


def _already_codes(frame: pl.DataFrame, column: str, name: str) -> bool:
    """Most values are spellings the normalizer knows (normalize/categories.py)."""
    from dq_project.normalize.categories import CUSTOMER_TYPE_CODES, GENDER_CODES

    known = GENDER_CODES if name == "gender" else CUSTOMER_TYPE_CODES
    return _share(frame, column, pl.col("v").str.to_lowercase().is_in(list(known))) >= 0.8


def _split_region(frame: pl.DataFrame, columns: list[str], proposal: Proposal) -> None:
    """A column of "省 市 区" values (简道云's address field) feeds province, city and district by
    pattern, for those fields nothing else took."""
    free = [f for f in REGION_PATTERNS if f not in proposal.mapping]
    used = {
        c
        for v in proposal.mapping.values()
        for c in ([v] if isinstance(v, str) else v if isinstance(v, list) else [v.get("column")])
    }
    for column in columns:
        if (
            free
            and column not in used
            and _share(frame, column, pl.col("v").str.contains(_REGION.pattern)) >= 0.8
        ):
            for name in free:
                proposal.mapping[name] = {"column": column, "pattern": REGION_PATTERNS[name]}
                proposal.why[name] = "split from a '省 市 区' column"
            return


def propose(frame: pl.DataFrame) -> Proposal:
    """The proposal for a text sample of a file (columns in file order)."""
    fields = [
        f
        for f in synonyms()["fields"]
        if f in dq_settings.CANONICAL_FIELDS or f in ("given_name", "family_name")
    ]
    frame = _stripped_names(frame)
    columns = list(frame.columns)
    scores = header_scores(columns, fields)
    shapes = {key for key in shape_scores(frame) if key[1] in fields}
    for key in shapes:
        scores[key] = scores.get(key, 0) + 50
    shaped = {column: name for column, name in sorted(shapes)}
    order = sorted(scores.items(), key=lambda kv: (-kv[1], columns.index(kv[0][0]), fields.index(kv[0][1])))
    taken: dict[str, str] = {}
    used: set[str] = set()
    joined = synonyms().get("joined", {})
    extra: dict[str, list[str]] = {}
    for (column, name), score in order:
        if column in used:
            continue
        if score < 90 and shaped.get(column, name) != name:
            continue  # a loose header match over values shaped as another field (a mobile in "phone.x")
        if name in taken:
            if joined.get(name):
                extra.setdefault(name, []).append(column)
                used.add(column)
            continue
        taken[name], _ = column, used.add(column)
    return _assemble(frame, columns, taken, extra)


def _assemble(
    frame: pl.DataFrame, columns: list[str], taken: dict[str, str], extra: dict[str, list[str]]
) -> Proposal:
    proposal = Proposal()
    canonical = set(dq_settings.CANONICAL_FIELDS)
    key = taken.pop("source_record_id", None) or next((c for c in columns if _is_key(frame, c)), None)
    if key:
        proposal.primary_key = key
        proposal.mapping["source_record_id"] = key
        proposal.why["source_record_id"] = "key column" + (
            "" if _is_key(frame, key) else " (NOT unique in the sample)"
        )
    if "name" in taken and "company_name" not in taken and _company_like(frame, taken["name"]):
        taken["company_name"] = taken.pop("name")
        proposal.why["company_name"] = "a name column holding company names"
    given, family = taken.get("given_name"), taken.get("family_name")
    if given and family and "given_name" not in canonical and "name" not in taken:
        taken.pop("given_name"), taken.pop("family_name")
        proposal.mapping["name"] = [given, family]
        proposal.why["name"] = "first and last name joined"
    for name in dq_settings.CANONICAL_FIELDS:
        column = taken.get(name)
        if column is None or name == "source_record_id":
            continue
        parts = sorted([column, *extra.get(name, [])], key=columns.index)
        codes = code_table(frame, column, name) if len(parts) == 1 else None
        if name in CODED and not codes and not _already_codes(frame, column, name):
            continue  # a generic "type" header over values that are not codes
        proposal.mapping[name] = codes or (parts if len(parts) > 1 else column)
        proposal.why.setdefault(name, "code table from the values seen" if codes else "header / value shape")
    _split_region(frame, columns, proposal)
    split_ids(frame, proposal.mapping, proposal.why)
    split_owner(frame, proposal.mapping, proposal.why)
    condition = company_condition(proposal.mapping)
    if condition:
        rows = frame.filter(pl.col(condition["column"]).str.strip_chars() == condition["equals"])
        if _company_like(rows, proposal.mapping["name"]):
            split_names(proposal.mapping, proposal.why, condition, _contact(frame, columns, proposal.mapping))
    if "customer_type" not in proposal.mapping:
        company = "company_name" in proposal.mapping and "name" not in proposal.mapping
        proposal.defaults["customer_type"] = "company" if company else "person"
    return proposal
