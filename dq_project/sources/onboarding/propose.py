"""A mapping proposal: one field per column, from the scores of scoring.py (header synonyms and
value shapes).

Pairs are taken best first, ties by column order then field order, so a second run proposes the
same. Every field of synonyms.toml competes, so a postcode or country column is claimed by its own
field rather than joined into `address`, and is then left out while it is not canonical. A `name`
column whose values are mostly company names becomes company_name, leaving `name` to a contact
column; first and last name columns are joined into `name` while given_name/family_name are not
canonical; the key is the proposed key column when unique in the sample, else a unique `…id`
column. Columns with two meanings get conditions or patterns (conditions.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from dq_project import settings as dq_settings
from dq_project.sources.onboarding.conditions import company_condition, split_ids, split_names, split_owner
from dq_project.sources.onboarding.scoring import (
    SUFFIX_BONUS,
    header_scores,
    phone_by_shape,
    references_only,
    shape_scores,
    share,
    squash,
    synonyms,
)


@dataclass
class Proposal:
    """Field -> mapping value (a column, columns joined, or an inline table with codes)."""

    mapping: dict[str, object] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    primary_key: str | None = None


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
    return share(frame, column, test) >= 0.5


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
    return share(frame, column, pl.col("v").str.to_lowercase().is_in(list(known))) >= 0.8


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
            and share(frame, column, pl.col("v").str.contains(_REGION.pattern)) >= 0.8
        ):
            for name in free:
                proposal.mapping[name] = {"column": column, "pattern": REGION_PATTERNS[name]}
                proposal.why[name] = "split from a '省 市 区' column"
            return


def _id_like(column: str) -> bool:
    return re.search(r"(id|code|no|key|编码|编号|代码|号)$", squash(column)) is not None


def _key_column(frame: pl.DataFrame, columns: list[str], proposed: str | None) -> str | None:
    """The proposed key column if its values are unique in the sample, else the first unique column
    named like a key (…id, …code, 编码), else the first unique column, else the proposed one."""
    if proposed and _is_key(frame, proposed):
        return proposed
    unique = [c for c in columns if _is_key(frame, c)]
    return next((c for c in unique if _id_like(c)), None) or next(iter(unique), None) or proposed


def propose(frame: pl.DataFrame) -> Proposal:
    """The proposal for a text sample of a file (columns in file order)."""
    # Every field of synonyms.toml competes, canonical or not: a postcode or country column is
    # claimed by its own field (and left out of the mapping) instead of being joined into address.
    fields = list(synonyms()["fields"])
    frame = _stripped_names(frame)
    columns = list(frame.columns)
    scores = header_scores(columns, fields)
    shapes = {key for key in shape_scores(frame) if key[1] in fields}
    for key in shapes:
        scores[key] = scores.get(key, 0) + 50
    phone_by_shape(scores, shapes)
    references_only(scores, columns)
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
        if name == "name" and "company_name" not in taken and _company_like(frame, column):
            name = "company_name"  # the name column holds companies: leave `name` to a contact column
        if name in taken:
            # a joined field takes more columns only when they are named for it (their header
            # ends with it: "Address2", "street2"), not ones that merely mention it
            if joined.get(name) and score >= SUFFIX_BONUS:
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
    key = _key_column(frame, columns, taken.pop("source_record_id", None))
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
    if "company_name" in proposal.mapping and "name" not in proposal.mapping:
        contact = _contact(frame, columns, proposal.mapping)
        if contact:
            proposal.mapping["name"] = contact
            proposal.why["name"] = "the contact person of a company list"
    if "customer_type" not in proposal.mapping:
        company = "company_name" in proposal.mapping and "name" not in proposal.mapping
        proposal.defaults["customer_type"] = "company" if company else "person"
    return proposal
