"""Matching features of places and organisations: company name core, address core, street, city.

All take cleaned text (matching.text.clean_text) as series; the regexes run only on the rows that
can change, see matching.text.
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from dq_project.normalize.clean import blank_to_null, on_rows, replace_where

_LEGAL_SUFFIX = r"(?:(?:集团)?(?:股份)?有限(?:责任)?公司|集团公司|集团|股份公司|总公司|分公司|公司)$"
_REGION_PREFIX = (
    r"^(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|"
    r"海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|广州|深圳|杭州|南京|苏州|"
    r"成都|武汉|西安|郑州|济南|青岛|宁波|厦门|福州|无锡|佛山|东莞|长沙|沈阳|大连|合肥|昆明|温州|哈尔滨|长春)"
    r"(?:省|市|自治区|特别行政区)?"
)
# Leading administrative parts of an address: province, city, district/county (CJK only, short).
_ADDRESS_REGIONS = (
    r"^(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区|特别行政区))?(?:[\u4e00-\u9fff]{2,7}?市)?"
    r"(?:[\u4e00-\u9fff]{1,5}?(?:区|县|旗))?"
)
_ADDRESS_CITY = r"^(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?([\u4e00-\u9fff]{2,7}?)市"
# (pattern, replacement, literals one of which every match contains), applied in this order.
_ADDRESS_FORMS = (
    (r"(\d+)#", "${1}号", ["#"]),
    (r"(\d+)号楼", "${1}栋", ["号楼"]),
    (r"(\d+)-(\d+)-(\d+)", "${1}栋${2}单元${3}", ["-"]),
    (r"[Ff](\d+)", "${1}楼", ["F", "f"]),
    (r"(\d+)层", "${1}楼", ["层"]),
)
_MUNICIPALITIES = {m: m for m in ("北京", "天津", "上海", "重庆")}
Text = TypeVar("Text", pl.Expr, pl.Series)


def region_stem(values: Text) -> Text:
    """A province or city name without its 省 / 市 / 自治区 / 特别行政区."""
    return values.str.replace(r"(?:省|市|自治区|特别行政区)$", "")


# A branch's suffix after the company's own legal form (…有限公司朝阳分公司, …公司金水分店): two
# characters of place and the kind of branch. Taken off the core, so a branch and its head office
# agree on the name and differ in company_branch. ("恒达科技分公司" alone names no head office.)
BRANCH = r"公司([\u4e00-\u9fff]{2}(?:分公司|分店|分行|支行|营业部|办事处))$"


def company_form(names: pl.Series) -> pl.Series:
    """The kind of legal form a company name states: 集团, 股份 or 有限 (null: none stated).
    有限公司 and 有限责任公司 are one kind; 股份有限公司 and 集团有限公司 are others."""
    return (
        pl.when(names.str.contains("集团"))
        .then(pl.lit("集团"))
        .when(names.str.contains("股份"))
        .then(pl.lit("股份"))
        .when(names.str.contains("有限"))
        .then(pl.lit("有限"))
        .otherwise(pl.lit(None, pl.String))
    )


def company_branch(names: pl.Series) -> pl.Series:
    """The branch suffix of a company name (朝阳分公司), null for a head office."""
    return names.str.extract(BRANCH, 1)


def company_core(names: pl.Series, cities: pl.Series, provinces: pl.Series) -> pl.Series:
    """Company name without brackets, a branch suffix, legal suffixes and a leading province/city;
    computed for the rows that have a name."""
    present = names.is_not_null()
    frame = pl.DataFrame({"core": names, "city": cities, "province": provinces}).filter(present)
    core = frame.with_columns(
        pl.col("core")
        .str.to_lowercase()
        .str.replace_all(r"\([^)]*\)|[\s.,&'\"-]", "")
        .str.replace(BRANCH, "公司")
        .str.replace(_LEGAL_SUFFIX, "")
        .str.replace(_LEGAL_SUFFIX, ""),
        *(region_stem(pl.col(c)).fill_null("\u0000") for c in ("province", "city")),
    ).select(_without_region(pl.col("core"), pl.col("province"), pl.col("city")))["core"]
    return on_rows(names, present, lambda _: blank_to_null(core))


def _without_region(core: pl.Expr, *stems: pl.Expr) -> pl.Expr:
    for stem in stems:
        core = core.str.strip_prefix(stem + "市").str.strip_prefix(stem + "省").str.strip_prefix(stem)
    return core.str.replace(_REGION_PREFIX, "")


def address_core(compact: pl.Series) -> pl.Series:
    """Street address (without spaces) without its leading province / city / district, in one
    spelling of the building parts (12# -> 12号, 3号楼 -> 3栋, 3-2-401 -> 3栋2单元401,
    F17 / 17层 -> 17楼, a trailing 室 dropped)."""
    core = compact.str.replace(_ADDRESS_REGIONS, "")
    for pattern, replacement, literals in _ADDRESS_FORMS:
        core = replace_where(core, pattern, replacement, literals)
    return blank_to_null(core.str.strip_suffix("室"))


def address_street(core: pl.Series) -> pl.Series:
    """The address core up to its first house number (文化路46号), when it starts with one."""
    return core.str.extract(r"^\D+?\d+号", 0)


def city(city_stem: pl.Series, province: pl.Series, compact_address: pl.Series) -> pl.Series:
    """City stem (北京, 深圳); when the field is empty, from the address or a municipality's province."""
    missing = city_stem.is_null()
    fallback = (
        pl.DataFrame({"address": compact_address, "province": province})
        .filter(missing)
        .select(
            pl.coalesce(
                pl.col("address").str.extract(_ADDRESS_CITY),
                region_stem(pl.col("province")).replace_strict(_MUNICIPALITIES, default=None),
            )
        )
    )
    return on_rows(city_stem, missing, lambda _: fallback.to_series())
