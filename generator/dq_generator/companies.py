"""Company names: region prefix + 2-4 character trade name + industry word + legal-form suffix.

A company is a row of index columns: trade1..trade4 (into TRADE_CHARS, -1 = absent), industry and
suffix. The region prefix is the city's short name ("深圳" for 深圳市), so companies sharing a trade
name in different cities differ only in the prefix (the hard negatives the matcher must keep apart).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl
from pypinyin import lazy_pinyin

from dq_generator.text import choose, later_duplicates, take

TRADE_CHARS = (
    "华信达鑫泰恒瑞博宏远腾嘉盛昌隆源通创科新联合安康丰益润佳美光辉"
    "中天海金德诚正和兴发利众力百云智启星尚卓越锦龙鼎汇宇晟峰"
)
_READINGS = {"晟": "sheng"}  # the reading used in business names, not pypinyin's first choice
INDUSTRIES = (
    "科技",
    "信息技术",
    "网络科技",
    "贸易",
    "商贸",
    "实业",
    "电子",
    "机械设备",
    "建设工程",
    "建筑工程",
    "房地产开发",
    "物流",
    "餐饮管理",
    "文化传媒",
    "广告",
    "企业管理咨询",
    "医药",
    "生物科技",
    "食品",
    "服饰",
    "教育科技",
    "环保科技",
    "新能源",
    "汽车服务",
    "投资管理",
    "供应链管理",
    "装饰工程",
    "物业管理",
    "化工",
    "包装材料",
)
SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司")
_SUFFIX_WEIGHTS = (70, 15, 10, 5)
# Written forms of a company name; 0 is the registered name. "loose_suffix" swaps the legal form for
# a near one (有限公司 <-> 有限责任公司, 股份有限公司 -> 有限公司), "short_suffix" ends in plain 公司.
NAME_FORMS = (
    "registered",
    "no_suffix",
    "no_prefix",
    "prefix_fullwidth_parens",
    "prefix_parens",
    "city_prefix",
    "loose_suffix",
    "short_suffix",
)
_LOOSE_SUFFIX = {
    "有限公司": "有限责任公司",
    "有限责任公司": "有限公司",
    "股份有限公司": "有限公司",
    "集团有限公司": "集团公司",
}


def draw_trade_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, 4) trade-name character indices: 2 characters (60%), 3 (25%) or 4 (15%); -1 = absent."""
    chars = rng.integers(0, len(TRADE_CHARS), (n, 4))
    length = 2 + choose(rng, n, (60, 25, 15))
    return np.where(np.arange(4) < length[:, None], chars, -1)


def draw_companies(rng: np.random.Generator, city_id: np.ndarray) -> dict[str, np.ndarray]:
    """Trade names, industries and suffixes with no two companies of one city sharing a name."""
    n = len(city_id)
    trade = draw_trade_names(rng, n)
    industry = rng.integers(0, len(INDUSTRIES), n)
    for _ in range(50):
        key = (city_id * len(INDUSTRIES) + industry) * 61**4 + (trade + 1) @ (61 ** np.arange(4))
        dup = later_duplicates(key)
        if not dup.any():
            break
        trade[dup] = draw_trade_names(rng, int(dup.sum()))
    else:
        raise RuntimeError("could not draw distinct company names")
    suffix = choose(rng, n, _SUFFIX_WEIGHTS)
    return {"trade": trade, "industry": industry, "suffix": suffix}


def trade_text(trade: np.ndarray) -> pl.Series:
    """Trade names in characters."""
    parts = [take(TRADE_CHARS, trade[:, i]) for i in range(4)]
    return parts[0] + parts[1] + parts[2] + parts[3]


@cache
def _trade_pinyin() -> list[str]:
    return [_READINGS.get(c) or lazy_pinyin(c)[0] for c in TRADE_CHARS]


def trade_pinyin(trade: np.ndarray) -> pl.Series:
    """Trade names in toneless pinyin, e.g. "huaxin" (used for company mail domains)."""
    parts = [take(_trade_pinyin(), trade[:, i]) for i in range(4)]
    return parts[0] + parts[1] + parts[2] + parts[3]


def company_name_text(
    city: pl.Expr, trade: pl.Expr, industry: pl.Expr, suffix: pl.Expr, form: pl.Expr
) -> pl.Expr:
    """Company names in the written forms of NAME_FORMS (indices); the region prefix is the city's
    short name (深圳), or its full name (深圳市) in the city_prefix form."""
    core = pl.concat_str(trade, industry)
    prefix = city.str.strip_suffix("市")
    return (
        pl.when(form == 1)
        .then(pl.concat_str(prefix, core))
        .when(form == 2)
        .then(pl.concat_str(core, suffix))
        .when(form == 3)
        .then(pl.concat_str(core, pl.lit("（"), prefix, pl.lit("）"), suffix))
        .when(form == 4)
        .then(pl.concat_str(core, pl.lit("("), prefix, pl.lit(")"), suffix))
        .when(form == 5)
        .then(pl.concat_str(city, core, suffix))
        .when(form == 6)
        .then(pl.concat_str(prefix, core, suffix.replace(_LOOSE_SUFFIX)))
        .when(form == 7)
        .then(pl.concat_str(prefix, core, pl.lit("公司")))
        .otherwise(pl.concat_str(prefix, core, suffix))
    )
