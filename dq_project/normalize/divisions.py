"""China's administrative divisions (GB/T 2260), read from python-stdnum's bundled region table.

stdnum ships `stdnum/cn/loc.dat` (every province, prefecture and county code with its names over
time, e.g. ``0111 county="[1983-1986]郊区,[1987-]白云区"``), so no table is downloaded or vendored.
Two views are built once: every code ever issued (an ID's region code is 'known' when listed, even
if retired: real IDs keep retired codes), and the current county-level divisions with their
province and prefecture names, for address parsing.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import polars as pl

_PROVINCE_LINE = re.compile(r'^(\d{2}) province="([^"]+)"')
_COUNTY_LINE = re.compile(r'^\s+(\d{4}) county="([^"]+)"')
_NAME = re.compile(r"^(?:\[(\d*)-(\d*)\])?(.+)$")
# Placeholder rows that group counties without being a place: municipal districts, counties of a
# municipality, counties directly under a province.
_GROUPING = ("市辖区", "县", "省直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政区划")
PROVINCE_SUFFIXES = (
    "特别行政区",
    "特別行政區",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "省",
    "市",
)


def _current_name(names: str) -> str | None:
    """The name still in use ('[1987-]白云区' or an undated name); None for a retired code."""
    for part in names.split(","):
        match = _NAME.match(part.strip())
        if match and not match.group(2):
            return match.group(3)
    return None


@cache
def _rows() -> tuple[tuple[str, str, str | None], ...]:
    """(6-digit code, province name, current name or None) for every code in loc.dat."""
    text = (resources.files("stdnum.cn") / "loc.dat").read_text(encoding="utf-8")
    rows, province_code, province = [], "", ""
    for line in text.splitlines():
        if match := _PROVINCE_LINE.match(line):
            province_code, province = match.groups()
        elif (match := _COUNTY_LINE.match(line)) and province_code:
            rows.append((province_code + match.group(1), province, _current_name(match.group(2))))
    return tuple(rows)


@cache
def known_region_codes() -> frozenset[str]:
    """Every six-digit region code loc.dat lists, current or retired."""
    return frozenset(code for code, _, _ in _rows())


def short_province(name: str) -> str:
    """广东省 -> 广东, 北京市 -> 北京, 广西壮族自治区 -> 广西."""
    for suffix in PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@cache
def county_table() -> pl.DataFrame:
    """Current county-level divisions: columns code, province, city, district (full names).

    A municipality's districts have the municipality as city; counties directly under a province
    (济源市) are their own city.
    """
    current = {code: (province, name) for code, province, name in _rows() if name}
    records = []
    for code, (province, name) in current.items():
        if code.endswith("00") or name in _GROUPING:
            continue
        prefecture = current.get(code[:4] + "00", (province, None))[1]
        if prefecture is None or prefecture in _GROUPING:
            city = province if province.endswith("市") else name
        else:
            city = prefecture
        records.append((code, province, city, name))
    return pl.DataFrame(records, schema=["code", "province", "city", "district"], orient="row")


@cache
def province_aliases() -> pl.DataFrame:
    """alias -> province: full names and short forms (北京, 广东, 内蒙古)."""
    names = county_table()["province"].unique().to_list()
    pairs = {name: name for name in names} | {short_province(name): name for name in names}
    return pl.DataFrame({"alias": list(pairs), "full": list(pairs.values())})


@cache
def city_aliases() -> pl.DataFrame:
    """alias -> (city, province): full prefecture names and the name without 市; an alias naming
    two different cities is dropped."""
    cities = county_table().select("city", "province").unique()
    short = cities.filter(pl.col("city").str.ends_with("市") & (pl.col("city").str.len_chars() > 2))
    both = pl.concat(
        [
            cities.with_columns(alias=pl.col("city")),
            short.with_columns(alias=pl.col("city").str.strip_suffix("市")),
        ]
    )
    unique = both.unique(["alias", "city"]).filter(pl.len().over("alias") == 1)
    return unique.select("alias", "city", "province")
