"""Matching features: staged customer records -> the comparison columns Splink reads.

Evidence policy: mobile, phone, email and gender with status 'invalid' (or 'missing') are nulled,
so a mistyped value never counts for or against a match. Resident IDs and credit codes that have the
right shape but a wrong check character are kept: they are usually one typo away from the true
code, and the models give them only the weak "near miss" level against the correct one.
Python-only work (pinyin) runs once per distinct name character, everything else is polars. Each
column is computed once (eager polars does not share sub-expressions), and slow string work runs
only on the rows that can change: already-clean text skips cleaning, an address form's regex runs
only where its literal occurs.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from dq_project.matching.names import name_keys

# fmt: off
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
# (pattern, replacement, literals one of which every match contains), applied in this order.
_ADDRESS_FORMS = (
    (r"(\d+)#", "${1}号", ["#"]),
    (r"(\d+)号楼", "${1}栋", ["号楼"]),
    (r"(\d+)-(\d+)-(\d+)", "${1}栋${2}单元${3}", ["-"]),
    (r"[Ff](\d+)", "${1}楼", ["F", "f"]),
    (r"(\d+)层", "${1}楼", ["层"]),
)
_MUNICIPALITIES = {m: m for m in ("北京", "天津", "上海", "重庆")}
_STATUS_UNUSABLE = ("invalid", "missing")
# Text that cleaning leaves as is: printable ASCII and CJK ideographs are their own NFKC form, and
# without whitespace, "·" or "•" there is nothing to collapse or trim.
_ALREADY_CLEAN = r"^[!-~\u3400-\u4dbf\u4e00-\u9fff]*$"
_TEXT_COLUMNS = (
    "name",
    "city",
    "district",
    "province",
    "address",
    "company_name",
    "mobile",
    "phone",
    "email",
    "id_number",
    "credit_code",
)
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
    frame = frame.with_columns(clean_text(frame[c]) for c in _TEXT_COLUMNS)
    frame = frame.with_columns(
        _usable(frame, "mobile", pl.col("mobile")),
        _usable(frame, "email", pl.col("email").str.to_lowercase()),
        _usable(frame, "phone", pl.col("phone")),
        _usable(frame, "gender", pl.col("gender")),
        *(_unspaced(c).str.to_uppercase() for c in ("id_number", "credit_code")),
        _unspaced("address").alias("address_compact"),
        _region_stem(pl.col("city")).alias("city_stem"),
    ).with_columns(pl.col("email").str.extract(r"@.+$", 0).str.slice(1).alias("domain"))
    base = frame.select(
        pl.col("record_key"),
        pl.col("customer_type"),
        pl.col("name").alias("name_clean"),
        pl.coalesce("gender", "id_gender").alias("gender"),
        pl.coalesce("birth_date", "id_birth_date").alias("birth_date"),
        _shaped("id_number", r"^\d{17}[\dX]$"),
        _shaped("credit_code", r"^[0-9A-Z]{18}$"),
        pl.col("mobile"),
        pl.col("mobile").str.replace_all(r"\D", "").str.slice(-8).alias("mobile_last8"),
        pl.col("email"),
        pl.col("email")
        .str.extract(r"^[^@]+@", 0)
        .str.strip_suffix("@")
        .str.replace_all(r"[._\-]", "")
        .alias("email_local"),
        pl.when(pl.col("domain").is_in(list(PUBLIC_MAIL_DOMAINS)))
        .then(None)
        .otherwise("domain")
        .alias("email_domain"),
        pl.col("phone"),
        _company_core(frame["company_name"], frame["city"], frame["province"]).alias("company_core"),
        _city(frame["city_stem"], frame["province"], frame["address_compact"]).alias("city"),
        pl.col("district"),
        _address_core(frame["address_compact"]).alias("address"),
    ).with_columns(pl.col("address").str.extract(r"^\D+?\d+号", 0).alias("address_street"))
    names = name_keys(base["name_clean"].unique().drop_nulls())
    return base.join(names, on="name_clean", how="left").select(FEATURE_COLUMNS)


def clean_text(values: pl.Series) -> pl.Series:
    """NFKC form, each run of whitespace (and "·", "•") as one space, trimmed; blank -> null.
    Only values outside _ALREADY_CLEAN go through the (slow) normalization."""
    dirty = values.str.contains(_ALREADY_CLEAN).not_().fill_null(False)
    cleaned = _on_rows(
        values,
        dirty,
        lambda v: v.str.normalize("NFKC").str.replace_all(r"[\s\u3000·•]+", " ").str.strip_chars(),
    )
    return cleaned.set(cleaned == "", None)


def _on_rows(values: pl.Series, rows: pl.Series, change: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """values, with `change` applied to the rows where the boolean series `rows` is true."""
    index = rows.arg_true()
    return values.scatter(index, change(values.gather(index))) if len(index) else values


def _with_defaults(records: pl.DataFrame) -> pl.DataFrame:
    absent = [pl.lit(None, dtype).alias(c) for c, dtype in _INPUT_COLUMNS.items() if c not in records.columns]
    return records.with_columns(absent) if absent else records


def _usable(frame: pl.DataFrame, field: str, value: pl.Expr) -> pl.Expr:
    status = f"{field}_status"
    if status not in frame.columns:
        return value
    return pl.when(pl.col(status).is_in(_STATUS_UNUSABLE).not_()).then(value)


def _unspaced(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(" ", "", literal=True)


def _shaped(column: str, pattern: str) -> pl.Expr:
    """Keep a code (even with a bad check character) only when its shape is right."""
    return pl.when(pl.col(column).str.contains(pattern)).then(pl.col(column))


def _region_stem(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace(r"(?:省|市|自治区|特别行政区)$", "")


def _company_core(names: pl.Series, cities: pl.Series, provinces: pl.Series) -> pl.Series:
    """Company name without brackets, legal suffixes and a leading province/city (cleaned inputs);
    computed for the rows that have a name."""
    present = names.is_not_null()
    frame = pl.DataFrame({"core": names, "city": cities, "province": provinces}).filter(present)
    core = frame.with_columns(
        pl.col("core")
        .str.to_lowercase()
        .str.replace_all(r"\([^)]*\)|[\s.,&'\"-]", "")
        .str.replace(_LEGAL_SUFFIX, "")
        .str.replace(_LEGAL_SUFFIX, ""),
        *(_region_stem(pl.col(c)).fill_null("\u0000") for c in ("province", "city")),
    ).select(_without_region(pl.col("core"), pl.col("province"), pl.col("city")))["core"]
    return _on_rows(names, present, lambda _: core.set(core == "", None))


def _without_region(core: pl.Expr, *stems: pl.Expr) -> pl.Expr:
    for stem in stems:
        core = core.str.strip_prefix(stem + "市").str.strip_prefix(stem + "省").str.strip_prefix(stem)
    return core.str.replace(_REGION_PREFIX, "")


def _address_core(compact: pl.Series) -> pl.Series:
    """Street address (without spaces) without its leading province / city / district, in one
    spelling of the building parts (12# -> 12号, 3号楼 -> 3栋, 3-2-401 -> 3栋2单元401,
    F17 / 17层 -> 17楼, a trailing 室 dropped)."""
    core = compact.str.replace(_ADDRESS_REGIONS, "")
    for pattern, replacement, literals in _ADDRESS_FORMS:
        has_literal = core.str.contains_any(literals).fill_null(False)
        core = _on_rows(core, has_literal, lambda v, p=pattern, r=replacement: v.str.replace_all(p, r))
    core = core.str.strip_suffix("室")
    return core.set(core == "", None)


def _city(city_stem: pl.Series, province: pl.Series, compact_address: pl.Series) -> pl.Series:
    """City stem (北京, 深圳); when the field is empty, from the address or a municipality's province."""
    missing = city_stem.is_null()
    fallback = (
        pl.DataFrame({"address": compact_address, "province": province})
        .filter(missing)
        .select(
            pl.coalesce(
                pl.col("address").str.extract(_ADDRESS_CITY),
                _region_stem(pl.col("province")).replace_strict(_MUNICIPALITIES, default=None),
            )
        )
    )
    return _on_rows(city_stem, missing, lambda _: fallback.to_series())


def with_comparable_names(frame: pl.DataFrame) -> pl.DataFrame:
    """Add name_key (pinyin key: 张伟, 张玮 and "Zhang Wei" agree) and company_key (the company name
    without legal suffix and region prefix), so rules can tell a differently written name from a
    different customer. Absent input columns count as null; no other column is added."""

    def text(column: str) -> pl.Series:
        if column not in frame.columns:
            return pl.Series(column, [None] * frame.height, pl.String)
        return clean_text(frame[column])

    cleaned = text("name").alias("name_clean")
    keys = name_keys(cleaned.unique().drop_nulls()).select("name_clean", "name_key")
    company = _company_core(text("company_name"), text("city"), text("province")).alias("company_key")
    return (
        frame.with_columns(cleaned, company)
        .join(keys, on="name_clean", how="left", maintain_order="left")
        .drop("name_clean")
    )
