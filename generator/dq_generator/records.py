"""Source records: each entity's 1-4 records spread over crm and erp, written the source's way.

The first record of an entity (rank 0) carries its registered values. Later records (duplicates)
differ in content as duplicates.py describes (no ID, a new mobile, another mailbox, the name in pinyin
or mistyped, the birth date swapped or left out, another contact person), and also in form: company
name with or without region prefix and legal form, mobile and landline formats, the address with or
without province/city, 号 or #, with or without the estate or floor, the landline left out.
`draw` makes every random choice, `render` writes the text once defects and evidence are settled.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from dq_generator import addresses, companies, contacts, duplicates, names
from dq_generator.formats import CRM, ERP, date_text, gender_text, type_text
from dq_generator.text import choose

OWNERS = {
    CRM: ["王建国", "李静", "张磊", "刘洋", "陈晨", "杨帆", "赵敏", "黄丽华", "周杰", "吴婷", "徐明", "孙悦"],
    ERP: [
        "郑海燕",
        "马超",
        "胡斌",
        "郭晓东",
        "何佳",
        "林娜",
        "高峰",
        "罗雪",
        "梁志强",
        "宋佳怡",
        "唐亮",
        "韩梅",
    ],
}
TAGS = [
    "VIP",
    "老客户",
    "新客户",
    "重点客户",
    "潜在客户",
    "已流失",
    "合作伙伴",
    "线上",
    "线下",
    "展会",
    "转介绍",
    "投诉",
]
CRM_SHARE = 0.55


def layout(rng: np.random.Generator, records_per_entity: np.ndarray) -> pl.DataFrame:
    """One row per record, in file order: entity row, rank within the entity, source, record id."""
    n_rec = int(records_per_entity.sum())
    entity = np.repeat(np.arange(len(records_per_entity)), records_per_entity)
    starts = np.cumsum(records_per_entity) - records_per_entity
    rank = np.arange(n_rec) - starts[entity]
    first_crm = rng.random(len(records_per_entity)) < CRM_SHARE
    # The second record usually sits in the other system; further ones land anywhere.
    crm = np.where(
        rank == 0,
        first_crm[entity],
        np.where(rank == 1, first_crm[entity] ^ (rng.random(n_rec) < 0.7), rng.random(n_rec) < CRM_SHARE),
    )
    order = rng.permutation(n_rec)
    frame = pl.DataFrame(
        {"entity": entity[order], "rank": rank[order], "source": np.where(crm[order], CRM, ERP)}
    )
    seq = (pl.int_range(pl.len()).over("source") + 1).cast(pl.String).str.zfill(8)
    record_id = pl.when(pl.col("source") == CRM).then(pl.concat_str(pl.lit("C"), seq))
    return frame.with_columns(source_record_id=record_id.otherwise(pl.concat_str(pl.lit("KH"), seq)))


def draw(rng: np.random.Generator, entities: pl.DataFrame, rec: pl.DataFrame) -> pl.DataFrame:
    """Records joined to their entity's columns, plus every per-record random choice (no text yet)."""
    ent = entities.select(pl.all().gather(rec["entity"].to_numpy()))
    rank, source = rec["rank"].to_numpy(), rec["source"].to_numpy()
    variations = duplicates.draw_variations(
        rng, rank, ent["is_company"].to_numpy(), ent["birth_m"].to_numpy(), ent["birth_d"].to_numpy()
    )
    return pl.concat([rec, ent], how="horizontal").with_columns(**_draws(rng, rank, source), **variations)


def render(work: pl.DataFrame) -> pl.DataFrame:
    """Records with every canonical field as source text (before defects)."""
    return work.with_columns(name=_names(work)).with_columns(_text_fields()).with_columns(_region_fields())


def _draws(rng: np.random.Generator, rank: np.ndarray, source: np.ndarray) -> dict[str, np.ndarray]:
    """Per-record random choices of how values are written, as columns the text expressions read."""
    n = len(rank)
    tag_count = choose(rng, n, (45, 30, 17, 8))
    tag1 = rng.integers(0, len(TAGS), n)
    # Offsets 0, 1-6 and 7-11 keep a record's tags distinct.
    tag_offsets = (0, 1 + rng.integers(0, 6, n), 7 + rng.integers(0, 5, n))
    return {
        "company_form": np.where(
            rank == 0, choose(rng, n, (86, 3, 3, 2, 2, 2, 1, 1)), choose(rng, n, (35, 12, 12, 8, 8, 10, 8, 7))
        ),
        "mobile_style": contacts.mobile_styles(rng, n),
        "phone_style": contacts.landline_styles(rng, n),
        "keep_phone": (rank == 0) | (rng.random(n) < 0.7),
        "address_detail": choose(rng, n, addresses.DETAIL_WEIGHTS),
        "address_start": choose(rng, n, addresses.START_WEIGHTS),
        "house_mark": choose(rng, n, addresses.HOUSE_MARK_WEIGHTS),
        "region_form": np.where(source == CRM, 0, choose(rng, n, (60, 25, 15))),
        "long_gender": rng.random(n) < 0.35,
        "chinese_date": rng.random(n) < 0.4,
        "lower_id": rng.random(n) < 0.05,
        "lower_code": rng.random(n) < 0.03,
        "upper_email": rng.random(n) < 0.03,
        "owner_pick": choose(rng, n, 1.0 / (np.arange(len(OWNERS[CRM])) + 2.0)),
        "pinyin_style": choose(rng, n, (40, 30, 15, 15)),
        "typo_second": rng.random(n) < 0.6,
        "typo_other": rng.integers(0, 1 << 30, n),
        **{
            f"tag{k}": np.where(tag_count > k, (tag1 + off) % len(TAGS), -1)
            for k, off in enumerate(tag_offsets)
        },
    }


def _names(work: pl.DataFrame) -> pl.Series:
    """Names as written: the second contact's on such company records, pinyin or a typo on some
    person duplicates (see duplicates.py)."""
    col = {
        c: work[c].to_numpy()
        for c in ("surname", "given1", "given2", "name_form", "pinyin_style", "typo_second", "typo_other")
    }
    sur, g1, g2, form = col["surname"], col["given1"], col["given2"], col["name_form"]
    name = work.select(pl.when("new_contact").then("contact_cn").otherwise("name_cn")).to_series()
    spelled = np.flatnonzero(form == duplicates.NAME_PINYIN)
    name.scatter(
        spelled, names.pinyin_spelling(sur[spelled], g1[spelled], g2[spelled], col["pinyin_style"][spelled])
    )
    typo = np.flatnonzero(form == duplicates.NAME_TYPO)
    new_g1, new_g2 = names.typo(g1[typo], g2[typo], col["typo_second"][typo], col["typo_other"][typo])
    name.scatter(typo, names.name_text(sur[typo], new_g1, new_g2))
    return name.alias("name")


def _lookup(values: list[str] | tuple[str, ...], index: pl.Expr) -> pl.Expr:
    """values[index], with a negative index giving an empty string."""
    table = pl.lit(pl.Series(list(values) + [""]))
    return table.gather(pl.when(index < 0).then(len(values)).otherwise(index))


def _text_fields() -> list[pl.Expr]:
    c, src, company = pl.col, pl.col("source"), pl.col("is_company")
    industry = _lookup(companies.INDUSTRIES, c("industry"))
    suffix = _lookup(companies.SUFFIXES, c("suffix"))
    tags = pl.concat_str([_lookup(TAGS, c(f"tag{k}")) for k in range(3)], separator=";")
    mobile = pl.when(c("new_mobile") | c("new_contact")).then("mobile_alt").otherwise("mobile")
    email = pl.when("email_other").then("email_alt").otherwise("email")
    birth_form, omitted = c("birth_form"), c("code_omitted")
    birth = (
        pl.when(birth_form == duplicates.BIRTH_SWAPPED)
        .then(date_text(src, c("birth_y"), c("birth_d"), c("birth_m"), c("chinese_date")))
        .when(birth_form == duplicates.BIRTH_AS_IS)
        .then(date_text(src, c("birth_y"), c("birth_m"), c("birth_d"), c("chinese_date")))
    )
    return [
        type_text(src, company).alias("customer_type"),
        pl.when(~company).then(gender_text(src, c("male"), c("long_gender"))).alias("gender"),
        pl.when(~company).then(birth).alias("birth_date"),
        pl.when(omitted)
        .then(None)
        .when("lower_id")
        .then(c("id_number").str.to_lowercase())
        .otherwise("id_number")
        .alias("id_number"),
        pl.when(company)
        .then(
            pl.concat_str(
                companies.company_name_text(
                    c("city_full"), c("trade_cn"), industry, suffix, c("company_form")
                ),
                c("branch_text").fill_null(""),
            )
        )
        .alias("company_name"),
        pl.when(omitted)
        .then(None)
        .when("lower_code")
        .then(c("credit_code").str.to_lowercase())
        .otherwise("credit_code")
        .alias("credit_code"),
        mobile.alias("mobile_number"),
        contacts.mobile_text(mobile, c("mobile_style")).alias("mobile"),
        pl.when(c("has_landline") & c("keep_phone"))
        .then(contacts.landline_text(c("area_code"), c("landline"), c("phone_style")))
        .alias("phone"),
        pl.when("upper_email").then(email.str.to_uppercase()).otherwise(email).alias("email"),
        tags.str.strip_chars(";").replace("", None).alias("tags"),
        pl.when(src == CRM)
        .then(_lookup(OWNERS[CRM], c("owner_pick")))
        .otherwise(_lookup(OWNERS[ERP], c("owner_pick")))
        .alias("owner"),
    ]


def _region_fields() -> list[pl.Expr]:
    """province/city written in full, short (广东, 深圳) or left empty (the address then names them)."""
    c, form = pl.col, pl.col("region_form")
    short_province = c("province_full").str.strip_suffix("省").str.strip_suffix("市")
    start = pl.when(form == 2).then(pl.lit(1)).otherwise(c("address_start"))
    return [
        pl.when(form == 0).then(c("province_full")).when(form == 1).then(short_province).alias("province"),
        pl.when(form == 0)
        .then(c("city_full"))
        .when(form == 1)
        .then(c("city_full").str.strip_suffix("市"))
        .alias("city"),
        c("district_name").alias("district"),
        addresses.address_text(c("is_company"), c("address_detail"), start, c("house_mark")).alias("address"),
    ]
