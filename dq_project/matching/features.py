"""Matching features: staged customer records -> the comparison columns Splink reads.

Evidence policy: mobile, phone, email and gender with status 'invalid' (or 'missing') are nulled,
so a mistyped value never counts for or against a match. Resident IDs and credit codes that have the
right shape but a wrong check character are kept: they are usually one typo away from the true
code, and the models give them only the weak "near miss" level against the correct one.
Python-only work (pinyin) runs once per distinct name, everything else is polars expressions.
"""

from __future__ import annotations

import re
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
PUBLIC_MAIL_DOMAINS = frozenset((
    "qq.com", "163.com", "126.com", "gmail.com", "sina.com", "sina.cn", "hotmail.com", "foxmail.com",
    "139.com", "sohu.com", "yeah.net", "outlook.com", "aliyun.com", "189.cn", "21cn.com", "yahoo.com",
    "icloud.com", "live.com", "msn.com",
))
# fmt: on
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
_ADDRESS_FORMS = (
    (r"(\d+)#", "${1}号"),
    (r"(\d+)号楼", "${1}栋"),
    (r"(\d+)-(\d+)-(\d+)", "${1}栋${2}单元${3}"),
    (r"[Ff](\d+)", "${1}楼"),
    (r"(\d+)层", "${1}楼"),
    (r"室$", ""),
)
_MUNICIPALITIES = {m: m for m in ("北京", "天津", "上海", "重庆")}
_CJK = re.compile(r"[\u3400-\u9fff]")
# Toneless pinyin syllables (ü as v), one or more: tells "weiming" from "cas" in "lucas".
_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|ai|ei|ao|ou|"
    r"an|en|in|un|vn|ia|ie|iu|ua|uo|ue|ui|ve|er|a|o|e|i|u|v))+"
)
_STATUS_UNUSABLE = ("invalid", "missing")
# fmt: off
FEATURE_COLUMNS = (
    "record_key", "customer_type", "name_chars", "name_key", "name_py", "surname_py", "name_tokens",
    "name_token_lo", "name_token_hi", "gender",
    "birth_date", "id_number", "mobile", "mobile_last8", "email", "email_local", "email_domain", "phone",
    "company_core", "credit_code", "city", "district", "address", "address_street",
)
_INPUT_COLUMNS = {
    "name": pl.String, "gender": pl.String, "birth_date": pl.Date, "id_number": pl.String,
    "company_name": pl.String, "credit_code": pl.String, "mobile": pl.String, "phone": pl.String,
    "email": pl.String, "province": pl.String, "city": pl.String, "district": pl.String,
    "address": pl.String, "id_birth_date": pl.Date, "id_gender": pl.String,
}
# fmt: on


def prepare_features(records: pl.DataFrame) -> pl.DataFrame:
    """Staged records (staging.customers columns) -> one row per record with FEATURE_COLUMNS.

    Missing optional input columns are treated as null; `<field>_status` columns are honoured
    when present. Blank strings become null.
    """
    frame = _with_defaults(records)
    text = {c: _clean(pl.col(c)) for c in ("name", "city", "district", "province", "address")}
    mobile = _usable(frame, "mobile", _clean(pl.col("mobile")))
    email = _usable(frame, "email", _clean(pl.col("email")).str.to_lowercase())
    domain = email.str.extract(r"@(.+)$")
    base = frame.select(
        pl.col("record_key"),
        pl.col("customer_type"),
        text["name"].alias("name_clean"),
        pl.coalesce(_usable(frame, "gender", pl.col("gender")), pl.col("id_gender")).alias("gender"),
        pl.coalesce(pl.col("birth_date"), pl.col("id_birth_date")).alias("birth_date"),
        _shaped(frame, "id_number", r"^\d{17}[\dX]$").alias("id_number"),
        _shaped(frame, "credit_code", r"^[0-9A-Z]{18}$").alias("credit_code"),
        mobile.alias("mobile"),
        mobile.str.replace_all(r"\D", "").str.slice(-8).alias("mobile_last8"),
        email.alias("email"),
        email.str.extract(r"^([^@]+)@").str.replace_all(r"[._\-]", "").alias("email_local"),
        pl.when(domain.is_in(list(PUBLIC_MAIL_DOMAINS))).then(None).otherwise(domain).alias("email_domain"),
        _usable(frame, "phone", _clean(pl.col("phone"))).alias("phone"),
        _company_core(_clean(pl.col("company_name")), text["city"], text["province"]).alias("company_core"),
        _city(text["city"], text["province"], text["address"]).alias("city"),
        text["district"].alias("district"),
        _address_core(text["address"]).alias("address"),
    ).with_columns(pl.col("address").str.extract(r"^(\D+?\d+号)").alias("address_street"))
    names = name_keys(base["name_clean"].unique().drop_nulls())
    return base.join(names, on="name_clean", how="left").select(FEATURE_COLUMNS)


def name_keys(names: pl.Series) -> pl.DataFrame:
    """Distinct cleaned names -> name_clean, name_chars, name_key, name_py, surname_py, name_tokens,
    name_token_lo, name_token_hi.

    name_py is surname + given name in pinyin ("zhangweiming"); name_key is the two parts sorted,
    so 张伟明, "Zhang Weiming", "zhangweiming" and "Weiming Zhang" share one key. A Latin-script name
    that is not pinyin ("Isla Hall") has no known surname position: name_tokens holds its parts
    sorted, name_key joins them ("Hall Isla" agrees), name_token_lo/_hi are the first and last of
    them. The name_token columns are null for Chinese names.
    """
    rows = [_name_parts(n) for n in names.to_list()]
    schema = dict.fromkeys(("name_clean", "name_chars", "surname_py", "given_py"), pl.String)
    frame = pl.DataFrame(rows, schema=schema | {"name_tokens": pl.List(pl.String)}, orient="row")
    parts = pl.concat_list("surname_py", "given_py").list.drop_nulls()
    tokens = pl.col("name_tokens").list.sort()
    return frame.select(
        "name_clean",
        "name_chars",
        pl.coalesce(tokens.list.join(""), parts.list.sort().list.join("")).alias("name_key"),
        parts.list.join("").alias("name_py"),
        "surname_py",
        tokens.alias("name_tokens"),
        tokens.list.first().alias("name_token_lo"),
        tokens.list.last().alias("name_token_hi"),
    ).with_columns(pl.col("name_key", "name_py").replace("", None))


def _name_parts(name: str) -> tuple[str, str | None, str | None, str | None, list[str] | None]:
    """(name, CJK characters, surname pinyin, given-name pinyin, Latin parts if not pinyin)."""
    if _CJK.search(name):
        chars = "".join(_CJK.findall(name))
        cut = 2 if chars[:2] in COMPOUND_SURNAMES else 1
        surname = SURNAME_READINGS.get(chars[:cut]) or "".join(_char_pinyin(c) for c in chars[:cut])
        given = "".join(_char_pinyin(c) for c in chars[cut:])
        return name, chars, surname, given or None, None
    tokens = [t for t in re.split(r"[^a-z]+", name.lower().replace("ü", "v")) if t]
    if not tokens:
        return name, None, None, None, None
    if len(tokens) == 1:
        surname, given = _split_run_together(tokens[0])
    elif tokens[0] in SURNAME_PINYIN or tokens[-1] not in SURNAME_PINYIN:
        surname, given = tokens[0], "".join(tokens[1:])
    else:
        surname, given = tokens[-1], "".join(tokens[:-1])
    pinyin = surname in SURNAME_PINYIN and all(_PINYIN.fullmatch(t) for t in tokens)
    return name, None, surname, given or None, None if pinyin else tokens


def _split_run_together(token: str) -> tuple[str, str]:
    """ "zhangweiming" -> ("zhang", "weiming"); a token that is not surname + pinyin stays whole."""
    for size in range(min(len(token) - 1, 9), 0, -1):
        if token[:size] in SURNAME_PINYIN and _PINYIN.fullmatch(token[size:]):
            return token[:size], token[size:]
    return token, ""


@cache
def _char_pinyin(char: str) -> str:
    return lazy_pinyin(char)[0]


def _with_defaults(records: pl.DataFrame) -> pl.DataFrame:
    absent = [pl.lit(None, dtype).alias(c) for c, dtype in _INPUT_COLUMNS.items() if c not in records.columns]
    return records.with_columns(absent) if absent else records


def _clean(expr: pl.Expr) -> pl.Expr:
    cleaned = expr.str.normalize("NFKC").str.replace_all(r"[\s\u3000·•]+", " ").str.strip_chars()
    return pl.when(cleaned != "").then(cleaned)


def _usable(frame: pl.DataFrame, field: str, value: pl.Expr) -> pl.Expr:
    status = f"{field}_status"
    if status not in frame.columns:
        return value
    return pl.when(pl.col(status).is_in(_STATUS_UNUSABLE).not_()).then(value)


def _shaped(frame: pl.DataFrame, field: str, pattern: str) -> pl.Expr:
    """Keep a code (even with a bad check character) only when its shape is right."""
    value = _clean(pl.col(field)).str.replace_all(" ", "").str.to_uppercase()
    return pl.when(value.str.contains(pattern)).then(value)


def _region_stem(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace(r"(?:省|市|自治区|特别行政区)$", "")


def _company_core(name: pl.Expr, city: pl.Expr, province: pl.Expr) -> pl.Expr:
    """Company name without brackets, legal suffixes and a leading province/city."""
    core = name.str.to_lowercase().str.replace_all(r"\([^)]*\)|[\s.,&'\"-]", "")
    core = core.str.replace(_LEGAL_SUFFIX, "").str.replace(_LEGAL_SUFFIX, "")
    for region in (province, city):
        stem = _region_stem(region).fill_null("\u0000")
        core = core.str.strip_prefix(stem + "市").str.strip_prefix(stem + "省").str.strip_prefix(stem)
    core = core.str.replace(_REGION_PREFIX, "")
    return pl.when(core != "").then(core)


def _address_core(address: pl.Expr) -> pl.Expr:
    """Street address without spaces and its leading province / city / district, in one spelling
    of the building parts (12# -> 12号, 3号楼 -> 3栋, 3-2-401 -> 3栋2单元401, F17 / 17层 -> 17楼)."""
    core = address.str.replace_all(" ", "").str.replace(_ADDRESS_REGIONS, "")
    for pattern, replacement in _ADDRESS_FORMS:
        core = core.str.replace_all(pattern, replacement)
    return pl.when(core != "").then(core)


def _city(city: pl.Expr, province: pl.Expr, address: pl.Expr) -> pl.Expr:
    """City stem (北京, 深圳); when the field is empty, from the address or a municipality's province."""
    from_address = address.str.replace_all(" ", "").str.extract(_ADDRESS_CITY)
    municipality = _region_stem(province).replace_strict(_MUNICIPALITIES, default=None)
    return pl.coalesce(_region_stem(city), from_address, municipality)


def with_comparable_names(frame: pl.DataFrame) -> pl.DataFrame:
    """Add name_key (pinyin key: 张伟, 张玮 and "Zhang Wei" agree) and company_key (the company name
    without legal suffix and region prefix), so rules can tell a differently written name from a
    different customer. Absent input columns count as null; no other column is added."""

    def text(column: str) -> pl.Expr:
        return _clean(pl.col(column) if column in frame.columns else pl.lit(None, pl.String))

    cleaned = frame.select(text("name").alias("name_clean"))["name_clean"]
    keys = name_keys(cleaned.unique().drop_nulls()).select("name_clean", "name_key")
    company = _company_core(text("company_name"), text("city"), text("province")).alias("company_key")
    return (
        frame.with_columns(cleaned, company)
        .join(keys, on="name_clean", how="left", maintain_order="left")
        .drop("name_clean")
    )
