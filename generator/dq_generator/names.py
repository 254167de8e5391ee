"""Chinese person names: weighted surnames, gendered given names, pinyin spellings, typos.

A name is three index columns: surname (into SURNAMES), given1 and given2 (into the given-name
character table; given2 = -1 for a one-character given name). Pinyin comes from pypinyin applied
once per distinct character (surnames carry their own reading: 单, 曾 and 仇 read differently there).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl
from pypinyin import lazy_pinyin

from dq_generator.text import take

# Surname, pinyin, share in percent (roughly the 2020 census ranking).
SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("王", "wang", 7.1),
    ("李", "li", 7.0),
    ("张", "zhang", 6.7),
    ("刘", "liu", 5.4),
    ("陈", "chen", 4.5),
    ("杨", "yang", 3.1),
    ("黄", "huang", 2.2),
    ("赵", "zhao", 2.1),
    ("吴", "wu", 2.0),
    ("周", "zhou", 1.9),
    ("徐", "xu", 1.5),
    ("孙", "sun", 1.5),
    ("马", "ma", 1.4),
    ("朱", "zhu", 1.3),
    ("胡", "hu", 1.2),
    ("郭", "guo", 1.15),
    ("何", "he", 1.1),
    ("林", "lin", 1.0),
    ("高", "gao", 1.0),
    ("罗", "luo", 0.9),
    ("郑", "zheng", 0.8),
    ("梁", "liang", 0.8),
    ("谢", "xie", 0.7),
    ("宋", "song", 0.6),
    ("唐", "tang", 0.6),
    ("许", "xu", 0.6),
    ("韩", "han", 0.6),
    ("冯", "feng", 0.6),
    ("邓", "deng", 0.6),
    ("曹", "cao", 0.5),
    ("彭", "peng", 0.5),
    ("曾", "zeng", 0.5),
    ("肖", "xiao", 0.5),
    ("田", "tian", 0.5),
    ("董", "dong", 0.4),
    ("袁", "yuan", 0.4),
    ("潘", "pan", 0.4),
    ("于", "yu", 0.4),
    ("蒋", "jiang", 0.4),
    ("蔡", "cai", 0.4),
    ("余", "yu", 0.4),
    ("杜", "du", 0.4),
    ("叶", "ye", 0.4),
    ("程", "cheng", 0.4),
    ("苏", "su", 0.3),
    ("魏", "wei", 0.3),
    ("吕", "lv", 0.3),
    ("丁", "ding", 0.3),
    ("任", "ren", 0.3),
    ("沈", "shen", 0.3),
    ("姚", "yao", 0.3),
    ("卢", "lu", 0.3),
    ("姜", "jiang", 0.3),
    ("崔", "cui", 0.3),
    ("钟", "zhong", 0.3),
    ("谭", "tan", 0.3),
    ("陆", "lu", 0.3),
    ("汪", "wang", 0.3),
    ("范", "fan", 0.3),
    ("金", "jin", 0.3),
    ("石", "shi", 0.3),
    ("廖", "liao", 0.2),
    ("贾", "jia", 0.2),
    ("夏", "xia", 0.2),
    ("韦", "wei", 0.2),
    ("付", "fu", 0.2),
    ("方", "fang", 0.2),
    ("白", "bai", 0.2),
    ("邹", "zou", 0.2),
    ("孟", "meng", 0.2),
    ("熊", "xiong", 0.2),
    ("秦", "qin", 0.2),
    ("邱", "qiu", 0.2),
    ("江", "jiang", 0.2),
    ("尹", "yin", 0.2),
    ("薛", "xue", 0.2),
    ("闫", "yan", 0.2),
    ("段", "duan", 0.2),
    ("雷", "lei", 0.2),
    ("侯", "hou", 0.2),
    ("龙", "long", 0.2),
    ("史", "shi", 0.2),
    ("陶", "tao", 0.2),
    ("黎", "li", 0.2),
    ("贺", "he", 0.2),
    ("顾", "gu", 0.2),
    ("毛", "mao", 0.2),
    ("郝", "hao", 0.2),
    ("龚", "gong", 0.2),
    ("邵", "shao", 0.2),
    ("万", "wan", 0.2),
    ("钱", "qian", 0.2),
    ("严", "yan", 0.2),
    ("单", "shan", 0.05),
    ("仇", "qiu", 0.03),
    ("欧阳", "ouyang", 0.05),
    ("司马", "sima", 0.01),
    ("诸葛", "zhuge", 0.005),
    ("上官", "shangguan", 0.005),
)

_MALE = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建志国文海东峰亮成博晨轩然睿泽子一天德兵毅振"
)
_FEMALE = "芳娜敏静丽艳娟霞秀英燕玲桂丹萍红玉兰琳雪倩婷慧晶颖佳欣怡雨涵琪梦诗悦思妍瑶晓月嘉洁蕾薇琴莉"
_WHOLE_MALE = [
    "建华",
    "建国",
    "志强",
    "建军",
    "国强",
    "志刚",
    "俊杰",
    "文杰",
    "子豪",
    "浩然",
    "宇轩",
    "晓明",
    "海涛",
    "建平",
    "永刚",
    "明辉",
    "家豪",
    "子轩",
    "一鸣",
    "天宇",
]
_WHOLE_FEMALE = [
    "秀英",
    "桂英",
    "海燕",
    "秀兰",
    "玉兰",
    "丽娟",
    "婷婷",
    "晓燕",
    "春梅",
    "红梅",
    "欣怡",
    "雨桐",
    "梓涵",
    "子涵",
    "诗涵",
    "佳怡",
    "淑珍",
    "美玲",
    "雪梅",
    "静怡",
]
# Pairs of same-sounding characters: a clerk typing from a phone call picks either.
_HOMOPHONES = [
    "伟玮",
    "静婧",
    "丽莉",
    "娜纳",
    "芳方",
    "军君",
    "杰洁",
    "磊雷",
    "涛韬",
    "明铭",
    "华桦",
    "平萍",
    "燕艳",
    "红虹",
    "霞夏",
    "峰锋",
    "婷亭",
    "勇永",
    "斌彬",
    "鹏朋",
    "辉晖",
    "宇雨",
    "浩昊",
    "凯恺",
    "俊骏",
    "林琳",
    "阳洋",
    "建健",
    "志智",
    "文雯",
    "东冬",
    "成诚",
    "晨辰",
    "轩宣",
    "睿瑞",
    "玲铃",
    "兰岚",
    "倩茜",
    "慧惠",
    "颖莹",
    "佳嘉",
    "欣馨",
    "怡仪",
    "琪琦",
    "悦月",
    "瑶遥",
    "晓小",
    "蕾垒",
    "薇微",
    "英瑛",
    "桂贵",
    "玉钰",
    "强蔷",
    "敏闵",
    "娟鹃",
    "梅玫",
    "涵含",
    "刚钢",
    "飞菲",
    "龙隆",
    "德得",
    "兵冰",
    "毅义",
    "振震",
    "帆凡",
    "旭煦",
    "秀绣",
    "琴勤",
    "豪好",
    "桐童",
]
# Very common full names: the namesakes (different people, same name, same city) use them.
COMMON_NAMES = [
    "张伟",
    "王伟",
    "王芳",
    "李伟",
    "李娜",
    "张敏",
    "李静",
    "王静",
    "刘伟",
    "王秀英",
    "张丽",
    "李秀英",
    "王丽",
    "张静",
    "李强",
    "王敏",
    "李敏",
    "王磊",
    "刘洋",
    "陈静",
    "王艳",
    "李军",
    "张勇",
    "李杰",
]
_FEMALE_GIVEN = set(_FEMALE) | {"秀英"}


def _given_table() -> list[str]:
    chars = _MALE + _FEMALE + "".join(_WHOLE_MALE + _WHOLE_FEMALE + _HOMOPHONES)
    return list(dict.fromkeys(chars))


GIVEN_CHARS: list[str] = _given_table()
_INDEX = {c: i for i, c in enumerate(GIVEN_CHARS)}
_SURNAME_INDEX = {s: i for i, (s, _, _) in enumerate(SURNAMES)}


def _zipf(chars: str) -> np.ndarray:
    w = np.zeros(len(GIVEN_CHARS))
    w[[_INDEX[c] for c in chars]] = 1.0 / (np.arange(len(chars)) + 4.0)
    return w / w.sum()


def _pairs(names: list[str]) -> np.ndarray:
    return np.array([[_INDEX[n[0]], _INDEX[n[1]]] for n in names], dtype=np.int64)


@cache
def _tables() -> dict[str, np.ndarray]:
    homophone = np.full(len(GIVEN_CHARS), -1, dtype=np.int64)
    for a, b in _HOMOPHONES:
        homophone[_INDEX[a]], homophone[_INDEX[b]] = _INDEX[b], _INDEX[a]
    surname_w = np.array([w for _, _, w in SURNAMES])
    common = np.array(
        [
            (
                _SURNAME_INDEX[p[0]],
                _INDEX[p[1]],
                _INDEX[p[2]] if len(p) > 2 else -1,
                p[1:] not in _FEMALE_GIVEN,
            )
            for p in COMMON_NAMES
        ],
        dtype=np.int64,
    )
    return {
        "common": common,
        "surname_p": surname_w / surname_w.sum(),
        "male_p": _zipf(_MALE),
        "female_p": _zipf(_FEMALE),
        "whole_male": _pairs(_WHOLE_MALE),
        "whole_female": _pairs(_WHOLE_FEMALE),
        "homophone": homophone,
    }


def draw_names(rng: np.random.Generator, male: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(surname, given1, given2) indices for people of the given sexes."""
    t, n = _tables(), len(male)
    surname = rng.choice(len(SURNAMES), size=n, p=t["surname_p"])
    g1 = np.where(
        male, rng.choice(len(GIVEN_CHARS), n, p=t["male_p"]), rng.choice(len(GIVEN_CHARS), n, p=t["female_p"])
    )
    g2 = np.where(
        male, rng.choice(len(GIVEN_CHARS), n, p=t["male_p"]), rng.choice(len(GIVEN_CHARS), n, p=t["female_p"])
    )
    whole_m = t["whole_male"][rng.integers(0, len(t["whole_male"]), n)]
    whole_f = t["whole_female"][rng.integers(0, len(t["whole_female"]), n)]
    whole = np.where(male[:, None], whole_m, whole_f)
    form = rng.random(n)  # < 0.25 one-character given name, < 0.45 a popular two-character one
    g1 = np.where((form >= 0.25) & (form < 0.45), whole[:, 0], g1)
    g2 = np.where(form < 0.25, -1, np.where(form < 0.45, whole[:, 1], g2))
    return surname, g1, g2


def draw_common_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """(surname, given1, given2, male) for n names drawn from COMMON_NAMES."""
    table = _tables()["common"]
    return tuple(np.ascontiguousarray(col) for col in table[rng.integers(0, len(table), n)].T)


def typo(
    g1: np.ndarray, g2: np.ndarray, second: np.ndarray, other: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The given name with one character replaced (the second where `second` and the name has two):
    by its homophone where it has one, else by another character (a slip in the input method's
    candidate list); `other` (random integers) picks that character."""
    homophone = _tables()["homophone"]
    at2 = second & (g2 >= 0)
    old = np.where(at2, g2, g1)
    slip = (old + 1 + other % (len(GIVEN_CHARS) - 1)) % len(GIVEN_CHARS)
    new = np.where(homophone[old] >= 0, homophone[old], slip)
    return np.where(at2, g1, new), np.where(at2, new, g2)


def name_text(surname: np.ndarray, g1: np.ndarray, g2: np.ndarray) -> pl.Series:
    """The names in Chinese characters."""
    sur = take([s for s, _, _ in SURNAMES], surname)
    return sur + take(GIVEN_CHARS, g1) + take(GIVEN_CHARS, g2)


@cache
def _given_pinyin() -> list[str]:
    return [lazy_pinyin(c)[0] for c in GIVEN_CHARS]


def name_pinyin(surname: np.ndarray, g1: np.ndarray, g2: np.ndarray) -> tuple[pl.Series, ...]:
    """(surname, given name, initials) in toneless lower-case pinyin: ("zhang", "weiming", "zwm")."""
    sur = take([p for _, p, _ in SURNAMES], surname)
    py1, py2 = take(_given_pinyin(), g1), take(_given_pinyin(), g2)
    initials = sur.str.slice(0, 1) + py1.str.slice(0, 1) + py2.str.slice(0, 1)
    return sur, py1 + py2, initials


def pinyin_spelling(surname: np.ndarray, g1: np.ndarray, g2: np.ndarray, style: np.ndarray) -> pl.Series:
    """Names spelled in pinyin, by style: 0 "Zhang Weiming", 1 "zhangweiming", 2 "ZHANG Weiming",
    3 "Weiming Zhang"."""
    sur, given, _ = name_pinyin(surname, g1, g2)
    frame = pl.DataFrame({"s": sur, "g": given, "style": style})
    cap_s, cap_g = pl.col("s").str.to_titlecase(), pl.col("g").str.to_titlecase()
    spelled = (
        pl.when(pl.col("style") == 0)
        .then(pl.concat_str(cap_s, pl.lit(" "), cap_g))
        .when(pl.col("style") == 1)
        .then(pl.concat_str("s", "g"))
        .when(pl.col("style") == 2)
        .then(pl.concat_str(pl.col("s").str.to_uppercase(), pl.lit(" "), cap_g))
        .otherwise(pl.concat_str(cap_g, pl.lit(" "), cap_s))
    )
    return frame.select(spelled.alias("name")).to_series()
