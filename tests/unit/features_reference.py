"""Frozen reference: matching.features as it was before the speed-up (main at 03fac2b), a Python
loop over distinct names and one polars expression per column. test_matching_features_identity
checks that the fast implementation gives the same frames. Do not "fix" this file: it is the
definition of the expected output. The patterns and word lists are the production ones."""

from __future__ import annotations

import re
from functools import cache

import polars as pl
from pypinyin import lazy_pinyin

from dq_project.matching import features
from dq_project.normalize import name_keys as names
from dq_project.normalize import places

_CJK = re.compile(r"[\u3400-\u9fff]")
_PINYIN = re.compile(names.PINYIN)
_ADDRESS_FORMS = (
    (r"(\d+)#", "${1}号"),
    (r"(\d+)号楼", "${1}栋"),
    (r"(\d+)-(\d+)-(\d+)", "${1}栋${2}单元${3}"),
    (r"[Ff](\d+)", "${1}楼"),
    (r"(\d+)层", "${1}楼"),
    (r"室$", ""),
)


def prepare_features(records: pl.DataFrame) -> pl.DataFrame:
    absent = [
        pl.lit(None, t).alias(c) for c, t in features._INPUT_COLUMNS.items() if c not in records.columns
    ]
    frame = records.with_columns(absent) if absent else records
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
        _shaped("id_number", r"^\d{17}[\dX]$").alias("id_number"),
        _shaped("credit_code", r"^[0-9A-Z]{18}$").alias("credit_code"),
        mobile.alias("mobile"),
        mobile.str.replace_all(r"\D", "").str.slice(-8).alias("mobile_last8"),
        email.alias("email"),
        email.str.extract(r"^([^@]+)@").str.replace_all(r"[._\-]", "").alias("email_local"),
        pl.when(domain.is_in(list(features.PUBLIC_MAIL_DOMAINS)))
        .then(None)
        .otherwise(domain)
        .alias("email_domain"),
        _usable(frame, "phone", _clean(pl.col("phone"))).alias("phone"),
        _company_core(_clean(pl.col("company_name")), text["city"], text["province"]).alias("company_core"),
        _city(text["city"], text["province"], text["address"]).alias("city"),
        text["district"].alias("district"),
        _address_core(text["address"]).alias("address"),
    ).with_columns(pl.col("address").str.extract(r"^(\D+?\d+号)").alias("address_street"))
    keys = name_keys(base["name_clean"].unique().drop_nulls())
    later = (
        "birth_digits",
        "given_name",
        "family_name",
        "postcode",
        "identifier",
        "company_form",
        "company_branch",
    )
    return base.join(keys, on="name_clean", how="left").select(
        c for c in features.FEATURE_COLUMNS if c not in later
    )


def name_keys(values: pl.Series) -> pl.DataFrame:
    rows = [name_parts(n) for n in values.to_list()]
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


def name_parts(name: str) -> tuple[str, str | None, str | None, str | None, list[str] | None]:
    """(name, CJK characters, surname pinyin, given-name pinyin, Latin parts if not pinyin)."""
    if _CJK.search(name):
        chars = "".join(_CJK.findall(name))
        cut = 2 if chars[:2] in names.COMPOUND_SURNAMES else 1
        surname = names.SURNAME_READINGS.get(chars[:cut]) or "".join(_char_pinyin(c) for c in chars[:cut])
        given = "".join(_char_pinyin(c) for c in chars[cut:])
        return name, chars, surname, given or None, None
    tokens = [t for t in re.split(r"[^a-z]+", name.lower().replace("ü", "v")) if t]
    if not tokens:
        return name, None, None, None, None
    if len(tokens) == 1:
        surname, given = _split_run_together(tokens[0])
    elif tokens[0] in names.SURNAME_PINYIN or tokens[-1] not in names.SURNAME_PINYIN:
        surname, given = tokens[0], "".join(tokens[1:])
    else:
        surname, given = tokens[-1], "".join(tokens[:-1])
    pinyin = surname in names.SURNAME_PINYIN and all(_PINYIN.fullmatch(t) for t in tokens)
    return name, None, surname, given or None, None if pinyin else tokens


def _split_run_together(token: str) -> tuple[str, str]:
    for size in range(min(len(token) - 1, 9), 0, -1):
        if token[:size] in names.SURNAME_PINYIN and _PINYIN.fullmatch(token[size:]):
            return token[:size], token[size:]
    return token, ""


@cache
def _char_pinyin(char: str) -> str:
    return lazy_pinyin(char)[0]


def _clean(expr: pl.Expr) -> pl.Expr:
    cleaned = expr.str.normalize("NFKC").str.replace_all(r"[\s\u3000·•]+", " ").str.strip_chars()
    return pl.when(cleaned != "").then(cleaned)


def _usable(frame: pl.DataFrame, field: str, value: pl.Expr) -> pl.Expr:
    status = f"{field}_status"
    if status not in frame.columns:
        return value
    return pl.when(pl.col(status).is_in(("invalid", "missing")).not_()).then(value)


def _shaped(field: str, pattern: str) -> pl.Expr:
    value = _clean(pl.col(field)).str.replace_all(" ", "").str.to_uppercase()
    return pl.when(value.str.contains(pattern)).then(value)


def _region_stem(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace(r"(?:省|市|自治区|特别行政区)$", "")


def _company_core(name: pl.Expr, city: pl.Expr, province: pl.Expr) -> pl.Expr:
    core = name.str.to_lowercase().str.replace_all(r"\([^)]*\)|[\s.,&'\"-]", "")
    core = core.str.replace(places._LEGAL_SUFFIX, "").str.replace(places._LEGAL_SUFFIX, "")
    for region in (province, city):
        stem = _region_stem(region).fill_null("\u0000")
        core = core.str.strip_prefix(stem + "市").str.strip_prefix(stem + "省").str.strip_prefix(stem)
    core = core.str.replace(places._REGION_PREFIX, "")
    return pl.when(core != "").then(core)


def _address_core(address: pl.Expr) -> pl.Expr:
    core = address.str.replace_all(" ", "").str.replace(places._ADDRESS_REGIONS, "")
    for pattern, replacement in _ADDRESS_FORMS:
        core = core.str.replace_all(pattern, replacement)
    return pl.when(core != "").then(core)


def _city(city: pl.Expr, province: pl.Expr, address: pl.Expr) -> pl.Expr:
    from_address = address.str.replace_all(" ", "").str.extract(places._ADDRESS_CITY)
    municipality = _region_stem(province).replace_strict(places._MUNICIPALITIES, default=None)
    return pl.coalesce(_region_stem(city), from_address, municipality)


def with_comparable_names(frame: pl.DataFrame) -> pl.DataFrame:
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
