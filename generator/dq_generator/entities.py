"""The true customers (entities) behind the records, including the hard negatives.

Hard negatives are distinct entities that look alike and must stay apart in the ground truth
(column hard_negative: their kind; hn_group: the entity they look like; twins and company
look-alikes in generator.look_alikes):
namesakes (a very common name, same district), family members (same surname and address, one
shared mobile and landline) and companies with the same trade name and industry in another city.
Each still differs from its look-alike in strong identifiers: the resident ID or credit code and the
email always (mobiles and emails are distinct across entities), the mobile too except in a family,
where the given name and birth date tell the members apart.
Besides its registered values an entity has the alternatives its duplicates may show: a second
mobile (a new number, or a company's second contact's), a second mailbox and a second contact person.
Nothing here depends on the snapshot date, so every snapshot of one seed has the same entities.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from dq_generator import addresses, companies, contacts, identifiers, look_alikes, names
from dq_generator.divisions import districts_in_other_city, divisions, draw_districts
from dq_generator.text import choose

RECORDS_PER_ENTITY = (1, 2, 3, 4)
_RECORDS_WEIGHTS = (76, 15, 6, 3)  # mean 1.36 records per entity
COMPANY_SHARE = 0.2
_BIRTH_START, _BIRTH_DAYS = np.datetime64("1950-01-01"), 20454  # through 2005-12-31


def record_counts(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Records per entity (1-4) summing exactly to `rows`."""
    counts = np.array(RECORDS_PER_ENTITY)[choose(rng, rows, _RECORDS_WEIGHTS)]
    total = np.cumsum(counts)
    last = int(np.searchsorted(total, rows))
    counts = counts[: last + 1].copy()
    counts[-1] -= total[last] - rows
    return counts


def build_entities(rng: np.random.Generator, rows: int) -> pl.DataFrame:
    """One row per entity: type, name indices, birth date, address, identifiers and contacts."""
    counts = record_counts(rng, rows)
    n = len(counts)
    ent: dict[str, np.ndarray] = {"records": counts, "is_company": rng.random(n) < COMPANY_SHARE}
    ent["male"] = rng.random(n) < 0.5
    ent["surname"], ent["given1"], ent["given2"] = names.draw_names(rng, ent["male"])
    ent["contact_cn"] = names.name_text(*names.draw_names(rng, rng.random(n) < 0.5))
    birth = _BIRTH_START + (rng.beta(2.2, 2.0, n) * _BIRTH_DAYS).astype("timedelta64[D]")
    ent["birth_y"] = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    ent["birth_m"] = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    ent["birth_d"] = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    ent["district"] = draw_districts(rng, n)
    ent |= addresses.draw_addresses(rng, n)
    ent["mobile"], ent["mobile_alt"] = np.split(contacts.draw_mobiles(rng, 2 * n), 2)
    ent["has_landline"] = rng.random(n) < np.where(ent["is_company"], 0.85, 0.25)
    ent["landline"] = contacts.draw_landlines(rng, ent["district"])
    ent["hard_negative"] = np.zeros(n, dtype=np.int8)
    ent["hn_group"] = np.full(n, -1, dtype=np.int64)  # the anchor entity of a look-alike group
    _namesakes_and_families(rng, ent)
    twin_of = _company_twins(rng, ent)
    ent |= companies.draw_companies(rng, divisions().city_id[ent["district"]])
    ent["trade"][twin_of >= 0] = ent["trade"][twin_of[twin_of >= 0]]
    ent["industry"][twin_of >= 0] = ent["industry"][twin_of[twin_of >= 0]]
    look_alikes.add_twins(rng, ent)
    look_alikes.add_company_look_alikes(rng, ent)
    return _to_frame(rng, ent)


def _pick_groups(rng: np.random.Generator, candidates: np.ndarray, share: float, groups: int) -> list:
    """`groups` disjoint index arrays of equal size (about share * candidates, at least 1 if possible)."""
    size = min(max(1, round(share * len(candidates))), len(candidates) // groups)
    chosen = rng.permutation(candidates)[: size * groups]
    return [chosen[i * size : (i + 1) * size] for i in range(groups)]


def _namesakes_and_families(rng: np.random.Generator, ent: dict[str, np.ndarray]) -> None:
    persons = np.flatnonzero(~ent["is_company"])
    anchor, namesake, head, member = _pick_groups(rng, persons, 0.015, 4)
    common = names.draw_common_names(rng, len(anchor))
    for key, values in zip(("surname", "given1", "given2", "male"), common, strict=True):
        ent[key][anchor] = values
    for key in ("surname", "given1", "given2", "male", "district"):
        ent[key][namesake] = ent[key][anchor]
    shared = (
        "surname",
        "district",
        "street",
        "house_no",
        "community",
        "block",
        "unit",
        "room",
        "mobile",
        "has_landline",
        "landline",
    )
    for key in shared:
        ent[key][member] = ent[key][head]
    ent["hard_negative"][np.concatenate([anchor, namesake])] = 1
    ent["hard_negative"][np.concatenate([head, member])] = 2
    ent["hn_group"][np.concatenate([anchor, namesake])] = np.concatenate([anchor, anchor])
    ent["hn_group"][np.concatenate([head, member])] = np.concatenate([head, head])


def _company_twins(rng: np.random.Generator, ent: dict[str, np.ndarray]) -> np.ndarray:
    """Pick companies to share a trade name with another company in another city; twin -> original."""
    firms = np.flatnonzero(ent["is_company"])
    original, twin = _pick_groups(rng, firms, 0.04, 2)
    ent["district"][twin] = districts_in_other_city(rng, ent["district"][original])
    twin_of = np.full(len(ent["is_company"]), -1)
    twin_of[twin] = original
    ent["hard_negative"][np.concatenate([original, twin])] = 3
    ent["hn_group"][np.concatenate([original, twin])] = np.concatenate([original, original])
    return twin_of


def _to_frame(rng: np.random.Generator, ent: dict[str, np.ndarray]) -> pl.DataFrame:
    table, n = divisions(), len(ent["records"])
    frame = pl.DataFrame(
        {
            key: ent[key]
            for key in (
                "records",
                "is_company",
                "male",
                "surname",
                "given1",
                "given2",
                "birth_y",
                "birth_m",
                "birth_d",
                "district",
                "mobile",
                "mobile_alt",
                "has_landline",
                "landline",
                "hard_negative",
                "hn_group",
                "branch",
                "industry",
                "suffix",
                "contact_cn",
            )
        }
    ).with_columns(
        entity_id=pl.concat_str(pl.lit("E"), pl.int_range(1, n + 1).cast(pl.String).str.zfill(7)),
        province_full=table.province.gather(ent["district"]),
        city_full=table.city.gather(ent["district"]),
        district_name=table.district.gather(ent["district"]),
        area_code=table.area_code.gather(ent["district"]),
        branch_text=_branch_text(table.district.gather(ent["district"]), ent["branch"]),
        name_cn=names.name_text(ent["surname"], ent["given1"], ent["given2"]),
        trade_cn=companies.trade_text(ent["trade"]),
        id_number=_resident_ids(rng, ent),
        credit_code=_credit_codes(rng, ent),
        **_emails(rng, ent),
        **addresses.address_parts(ent),
    )
    company = pl.col("is_company")
    return frame.with_columns(
        pl.when(company).then(pl.col(key)).alias(key) for key in ("trade_cn", "credit_code")
    ).with_columns(pl.when(~company).then(pl.col("id_number")).alias("id_number"))


def _branch_text(district: pl.Series, branch: np.ndarray) -> pl.Series:
    """A branch's name suffix: the district's short name + 分公司 or 分店 (null for a head office)."""
    short = district.str.replace(r"(?:新区|区|县|市)$", "")
    kind = pl.Series(branch).replace_strict({0: None, 1: "分公司", 2: "分店"}, return_dtype=pl.String)
    return (short + kind).alias("branch_text")


def _resident_ids(rng: np.random.Generator, ent: dict[str, np.ndarray]) -> pl.Series:
    table = divisions()
    code = table.code[ent["district"]]
    # stdnum rejects a district code that did not exist in the birth year: such people carry the city's.
    region = np.where(ent["birth_y"] >= table.since[ent["district"]], code, table.city_code[ent["district"]])
    birth = ent["birth_y"] * 10000 + ent["birth_m"] * 100 + ent["birth_d"]
    body = identifiers.ric_bodies(rng, region, birth, ent["male"])
    return identifiers.ric_text(body, identifiers.ric_check_values(body))


def _credit_codes(rng: np.random.Generator, ent: dict[str, np.ndarray]) -> pl.Series:
    body = identifiers.uscc_bodies(rng, divisions().code[ent["district"]])
    return identifiers.uscc_text(body, identifiers.uscc_check_values(body))


def _emails(rng: np.random.Generator, ent: dict[str, np.ndarray]) -> dict[str, pl.Series]:
    """email and email_alt (another mailbox of the same customer), all distinct across entities."""
    pinyin = names.name_pinyin(ent["surname"], ent["given1"], ent["given2"])
    trade = companies.trade_pinyin(ent["trade"])
    company = pl.Series(np.concatenate([ent["is_company"], ent["is_company"]]))
    personal = pl.concat([contacts.person_emails(rng, pinyin, ent["birth_y"]) for _ in range(2)])
    business = pl.concat([contacts.company_emails(rng, trade, pinyin) for _ in range(2)])
    chosen = (
        pl.DataFrame({"company": company, "business": business, "personal": personal})
        .select(pl.when("company").then("business").otherwise("personal"))
        .to_series()
    )
    email, alt = np.split(contacts.distinct_emails(rng, chosen).to_numpy(), 2)
    return {"email": pl.Series(email, dtype=pl.String), "email_alt": pl.Series(alt, dtype=pl.String)}
