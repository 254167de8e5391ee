"""Name keys: distinct cleaned person names -> pinyin surname / given name and Latin name tokens.

Everything is polars expressions over the distinct names; Python only reads pypinyin once per
distinct CJK character (a few thousand even at millions of records), through a cached lookup.
"""

from __future__ import annotations

from functools import cache

import polars as pl
from pypinyin import lazy_pinyin

# fmt: off
# Surnames whose reading differs from the character's everyday one (pypinyin reads 曾 as "ceng").
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "查": "zha", "区": "ou", "朴": "piao",
    "盖": "ge", "乐": "yue", "覃": "qin", "缪": "miao", "翟": "zhai", "员": "yun", "种": "chong",
    "召": "shao", "秘": "bi", "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun", "令狐": "linghu",
}
COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
    "夏侯", "长孙", "宇文", "司徒", "申屠", "澹台", "轩辕", "万俟", "端木", "独孤",
))
# Pinyin of common surnames, to split a run-together spelling such as "zhangweiming".
SURNAME_PINYIN = frozenset((
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu",
    "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song", "tang", "han", "feng", "deng",
    "cao", "peng", "zeng", "xiao", "tian", "dong", "yuan", "pan", "yu", "jiang", "cai", "du", "ye", "cheng",
    "su", "wei", "lv", "ding", "ren", "shen", "yao", "lu", "cui", "zhong", "tan", "fan", "jin", "shi",
    "liao", "jia", "xia", "fu", "fang", "bai", "zou", "meng", "xiong", "qin", "qiu", "yin", "xue", "yan",
    "duan", "lei", "hou", "long", "tao", "gu", "mao", "hao", "gong", "shao", "wan", "qian", "shan", "kong",
    "kang", "mo", "tu", "ni", "niu", "ke", "zhan", "ouyang", "sima", "zhuge", "shangguan", "dongfang",
    "huangfu", "yuchi", "gongsun", "murong", "linghu", "xiahou", "zhangsun", "yuwen", "situ",
))
# fmt: on
CJK_CHAR = r"[\u3400-\u9fff]"
# Toneless pinyin syllables (ü as v), one or more: tells "weiming" from "cas" in "lucas".
PINYIN = (
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|ai|ei|ao|ou|"
    r"an|en|in|un|vn|ia|ie|iu|ua|uo|ue|ui|ve|er|a|o|e|i|u|v))+"
)
_ALL_PINYIN = f"^{PINYIN}$"
_LONGEST_SURNAME = max(map(len, SURNAME_PINYIN))
_SURNAMES = pl.Series(sorted(SURNAME_PINYIN)).implode()
_COMPOUNDS = pl.Series(sorted(COMPOUND_SURNAMES)).implode()


def name_keys(names: pl.Series) -> pl.DataFrame:
    """Distinct cleaned names -> name_clean, name_chars, name_key, name_py, surname_py, name_tokens,
    name_token_lo, name_token_hi (one row per name, in input order).

    name_py is surname + given name in pinyin ("zhangweiming"); name_key is the two parts sorted,
    so 张伟明, "Zhang Weiming", "zhangweiming" and "Weiming Zhang" share one key. A Latin-script name
    that is not pinyin ("Isla Hall") has no known surname position: name_tokens holds its parts
    sorted, name_key joins them ("Hall Isla" agrees), name_token_lo/_hi are the first and last of
    them. The name_token columns are null for Chinese names.
    """
    frame = _name_parts(names.alias("name_clean")).with_columns(pl.col("name_tokens").list.sort())
    surname, given = pl.col("surname_py"), pl.col("given_py")
    in_order = pl.concat_str(surname, given, ignore_nulls=True)
    sorted_parts = (
        pl.when(given.is_null() | (surname <= given))
        .then(in_order)
        .otherwise(pl.concat_str(given, surname, ignore_nulls=True))
    )
    tokens = pl.col("name_tokens")
    return frame.select(
        "name_clean",
        "name_chars",
        pl.coalesce(tokens.list.join(""), sorted_parts).alias("name_key"),
        in_order.alias("name_py"),
        "surname_py",
        "name_tokens",
        tokens.list.first().alias("name_token_lo"),
        tokens.list.last().alias("name_token_hi"),
    ).with_columns(pl.col("name_key", "name_py").replace("", None))


def _name_parts(names: pl.Series) -> pl.DataFrame:
    """name_clean, name_chars (CJK characters), surname_py, given_py, name_tokens (Latin parts of a
    name that is not pinyin), in input order. A name with any CJK character is read from its CJK
    characters alone."""
    frame = pl.DataFrame([names]).with_row_index("row").with_columns(chars=names.str.extract_all(CJK_CHAR))
    is_cjk = pl.col("chars").list.len() > 0
    parts = (_cjk_parts(frame.filter(is_cjk)), _latin_parts(frame.filter(is_cjk.not_())))
    return pl.concat(parts).sort("row").drop("row")


def _cjk_parts(frame: pl.DataFrame) -> pl.DataFrame:
    """Surname and given name of CJK names in pinyin, a character at a time: a compound surname
    takes two characters, and surnames with their own reading (曾 -> zeng) read that way."""
    lookup = _pinyin_lookup(frame["chars"])
    to_pinyin = pl.element().replace_strict(lookup["char"], lookup["pinyin"], return_dtype=pl.String)
    head = pl.col("chars").list.slice(0, 2).list.join("")
    frame = frame.with_columns(
        pl.col("chars").list.eval(to_pinyin).alias("pinyin"),
        pl.when(head.is_in(_COMPOUNDS)).then(2).otherwise(1).alias("cut"),
    )
    surname_chars = pl.col("chars").list.slice(0, "cut").list.join("")
    reading = surname_chars.replace_strict(SURNAME_READINGS, default=None)
    return frame.with_columns(given=pl.col("pinyin").list.slice("cut").list.join("")).select(
        "row",
        "name_clean",
        pl.col("chars").list.join("").alias("name_chars"),
        pl.coalesce(reading, pl.col("pinyin").list.slice(0, "cut").list.join("")).alias("surname_py"),
        pl.when(pl.col("given") != "").then("given").alias("given_py"),
        pl.lit(None, pl.List(pl.String)).alias("name_tokens"),
    )


def _pinyin_lookup(chars: pl.Series) -> pl.DataFrame:
    """Each distinct character of the names -> its everyday pinyin."""
    distinct = chars.explode().drop_nulls().unique().to_list()
    return pl.DataFrame(
        {"char": distinct, "pinyin": [_char_pinyin(c) for c in distinct]},
        schema={"char": pl.String, "pinyin": pl.String},
    )


@cache
def _char_pinyin(char: str) -> str:
    return lazy_pinyin(char)[0]


def _latin_parts(frame: pl.DataFrame) -> pl.DataFrame:
    """Surname and given name from the a-z runs of a name: one run is split as surname + pinyin
    ("zhangweiming"), else the surname is the first run unless only the last is a known surname.
    name_tokens (the runs) is kept unless the name is all pinyin with a known surname."""
    lowered = pl.col("name_clean").str.to_lowercase().str.replace_all("ü", "v", literal=True)
    frame = frame.with_columns(tokens=lowered.str.extract_all("[a-z]+"))
    tokens = pl.col("tokens")
    frame = frame.with_columns(first=tokens.list.first(), last=tokens.list.last(), count=tokens.list.len())
    first, last, one = pl.col("first"), pl.col("last"), pl.col("count") == 1
    frame = frame.with_columns(
        cut=_run_together_cut(first),
        surname_first=first.is_in(_SURNAMES) | last.is_in(_SURNAMES).not_(),
    )
    frame = frame.with_columns(
        surname=pl.when(one)
        .then(first.str.slice(0, "cut"))
        .when("surname_first")
        .then(first)
        .otherwise(last),
        given=pl.when(one)
        .then(first.str.slice("cut"))
        .when("surname_first")
        .then(tokens.list.slice(1).list.join(""))
        .otherwise(tokens.list.slice(0, pl.col("count") - 1).list.join("")),
    )
    all_pinyin = tokens.list.eval(pl.element().str.contains(_ALL_PINYIN)).list.all()
    known = pl.col("surname").is_in(_SURNAMES) & all_pinyin
    present = pl.col("count") > 0
    return frame.select(
        "row",
        "name_clean",
        pl.lit(None, pl.String).alias("name_chars"),
        pl.when(present).then("surname").alias("surname_py"),
        pl.when(present & (pl.col("given") != "")).then("given").alias("given_py"),
        pl.when(present & known.not_()).then("tokens").alias("name_tokens"),
    )


def _run_together_cut(token: pl.Expr) -> pl.Expr:
    """Length of the longest known-surname prefix of a token whose rest is pinyin, else the whole."""
    sizes = [
        pl.when(
            (token.str.len_bytes() > size)
            & token.str.slice(0, size).is_in(_SURNAMES)
            & token.str.slice(size).str.contains(_ALL_PINYIN)
        ).then(size)
        for size in range(_LONGEST_SURNAME, 0, -1)
    ]
    return pl.coalesce(*sizes, token.str.len_bytes())
