"""Street addresses: numbers per entity, and the many ways a clerk writes the same address."""

from __future__ import annotations

import numpy as np
import polars as pl

from dq_generator.text import take

STREETS = [
    "建国路",
    "人民路",
    "解放路",
    "中山路",
    "和平路",
    "新华路",
    "文化路",
    "胜利路",
    "长江路",
    "黄河路",
    "滨江路",
    "南京路",
    "北京路",
    "延安路",
    "淮海路",
    "迎宾大道",
    "世纪大道",
    "科技路",
    "创业路",
    "学府路",
    "光明街",
    "幸福街",
    "东风路",
    "朝阳路",
    "青年路",
    "花园路",
    "金融街",
    "工业大道",
    "环城北路",
    "建设路",
    "五一路",
    "体育路",
    "长安街",
    "友谊路",
    "民主路",
    "团结路",
    "振兴路",
    "公园路",
    "新村路",
    "沿江大道",
]
COMMUNITIES = [
    "阳光花园",
    "锦绣家园",
    "翠苑小区",
    "幸福里",
    "金色家园",
    "绿地小区",
    "碧桂园",
    "万科城",
    "保利花园",
    "恒大名都",
    "世纪花园",
    "东方明珠苑",
    "和平里",
    "建设新村",
    "华府小区",
    "丽景苑",
    "春江郦城",
    "望京花园",
    "滨江花园",
    "枫林绿洲",
]
BUILDINGS = [
    "国贸大厦",
    "金融中心",
    "科技园",
    "创业大厦",
    "世纪中心",
    "环球中心",
    "万达广场",
    "时代广场",
    "国际大厦",
    "中心大厦",
    "财富中心",
    "软件园",
]
# The home/office part: full, alternative wording, terse, none, the estate or building only.
DETAIL_WEIGHTS = (50, 18, 10, 12, 10)
# How the house number is written: 88号 or 88#.
HOUSE_MARKS = ("号", "#")
HOUSE_MARK_WEIGHTS = (85, 15)
# Where the free text starts: 0 district, 1 province+city+district, 2 city+district, 3 street only,
# 4 district with spaces between the parts.
START_WEIGHTS = (50, 20, 15, 10, 5)


def draw_addresses(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Street, house number and the home/office parts of n addresses."""
    return {
        "street": rng.integers(0, len(STREETS), n),
        "house_no": 1 + rng.geometric(0.012, n) % 999,
        "community": rng.integers(0, len(COMMUNITIES), n),
        "block": rng.integers(1, 31, n),
        "unit": rng.integers(1, 7, n),
        "room": rng.integers(1, 29, n) * 100 + rng.integers(1, 5, n),
        "building": rng.integers(0, len(BUILDINGS), n),
        "floor": rng.integers(1, 41, n),
    }


def address_parts(ent: dict[str, np.ndarray]) -> dict[str, pl.Series]:
    """Text pieces of each address, for address_text."""
    return {
        "street": take(STREETS, ent["street"]),
        "house": pl.Series(ent["house_no"]).cast(pl.String),
        "community": take(COMMUNITIES, ent["community"]),
        "block": pl.Series(ent["block"]).cast(pl.String),
        "unit": pl.Series(ent["unit"]).cast(pl.String),
        "room": pl.Series(ent["room"]).cast(pl.String),
        "building": take(BUILDINGS, ent["building"]),
        "floor": pl.Series(ent["floor"]).cast(pl.String),
    }


def address_text(is_company: pl.Expr, detail: pl.Expr, start: pl.Expr, mark: pl.Expr) -> pl.Expr:
    """Free-text addresses from columns province_full, city_full, district_name, street, house,
    community, block, unit, room, building, floor. `detail` picks the home/office part (0 full,
    1 alternative, 2 terse, 3 none, 4 the estate or building only); `start` picks where the text
    begins (see START_WEIGHTS); `mark` how the house number is written (into HOUSE_MARKS)."""
    c = pl.col
    home = (
        pl.when(detail == 0)
        .then(
            pl.concat_str(
                c("community"), c("block"), pl.lit("栋"), c("unit"), pl.lit("单元"), c("room"), pl.lit("室")
            )
        )
        .when(detail == 1)
        .then(pl.concat_str(c("community"), c("block"), pl.lit("号楼"), c("unit"), pl.lit("单元"), c("room")))
        .when(detail == 2)
        .then(pl.concat_str(c("community"), c("block"), pl.lit("-"), c("unit"), pl.lit("-"), c("room")))
        .when(detail == 4)
        .then(c("community"))
        .otherwise(pl.lit(""))
    )
    office = (
        pl.when(detail == 0)
        .then(pl.concat_str(c("building"), c("floor"), pl.lit("层")))
        .when(detail == 1)
        .then(pl.concat_str(c("building"), c("floor"), pl.lit("楼")))
        .when(detail == 2)
        .then(pl.concat_str(c("building"), pl.lit("F"), c("floor")))
        .when(detail == 4)
        .then(c("building"))
        .otherwise(pl.lit(""))
    )
    rest = pl.when(is_company).then(office).otherwise(home)
    # A municipality is its own city: write 北京市朝阳区, not 北京市北京市朝阳区.
    city = pl.when(c("city_full") == c("province_full")).then(pl.lit("")).otherwise(c("city_full"))
    district = c("district_name")
    house_mark = pl.lit(pl.Series(HOUSE_MARKS)).gather(mark)
    street = pl.concat_str(c("street"), c("house"), house_mark)
    return (
        pl.when(start == 1)
        .then(pl.concat_str(c("province_full"), city, district, street, rest))
        .when(start == 2)
        .then(pl.concat_str(c("city_full"), district, street, rest))
        .when(start == 3)
        .then(pl.concat_str(street, rest))
        .when(start == 4)
        .then(pl.concat_str(district, pl.lit(" "), street, pl.lit(" "), rest))
        .otherwise(pl.concat_str(district, street, rest))
        .str.strip_chars(" ")
    )
