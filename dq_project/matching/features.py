"""Matching features: staged customer records -> the comparison columns Splink reads.

Evidence policy: mobile, phone, email and gender with status 'invalid' (or 'missing') are nulled,
so a mistyped value never counts for or against a match. Resident IDs and credit codes that have the
right shape but a wrong check character are kept: they are usually one typo away from the true
code, and the models give them only the weak "near miss" level against the correct one.
Python-only work (pinyin) runs once per distinct name character, everything else is polars. Each
column is computed once (eager polars does not share sub-expressions), and slow string work runs
only on the rows that can change (normalize.clean): already-clean text skips cleaning, an address
form's regex runs only where its literal occurs. Name keys live in normalize.name_keys, company and
address features in normalize.places.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import polars as pl

from dq_project.normalize import places
from dq_project.normalize.clean import blank_to_null, clean_text, on_rows, per_value
from dq_project.normalize.name_keys import name_keys
from dq_project.normalize.names import joined_name

# fmt: off
PUBLIC_MAIL_DOMAINS = frozenset((
    "qq.com", "163.com", "126.com", "gmail.com", "sina.com", "sina.cn", "hotmail.com", "foxmail.com",
    "139.com", "sohu.com", "yeah.net", "outlook.com", "aliyun.com", "189.cn", "21cn.com", "yahoo.com",
    "icloud.com", "live.com", "msn.com",
))
# fmt: on
_STATUS_UNUSABLE = ("invalid", "missing")
_STATUS_FIELDS = ("mobile", "email", "phone", "gender", "identifier")
# Columns with few distinct values, cleaned once per value.
_REGIONS = ("city", "district", "province")
# fmt: off
_TEXT_COLUMNS = (
    "address", "name", "email", "mobile", "id_number", "phone", "company_name", "credit_code",
    "city", "district", "province", "given_name", "family_name", "postcode", "identifier",
)
FEATURE_COLUMNS = (
    "record_key", "customer_type", "name_chars", "name_key", "name_py", "surname_py", "name_tokens",
    "name_token_lo", "name_token_hi", "gender", "birth_date", "birth_digits",
    "id_number", "mobile", "mobile_last8", "email", "email_local", "email_domain", "phone",
    "company_core", "credit_code", "city", "district", "address", "address_street",
    "given_name", "family_name", "postcode", "identifier", "company_form", "company_branch",
)
_INPUT_COLUMNS = {
    "name": pl.String, "gender": pl.String, "birth_date": pl.Date, "id_number": pl.String,
    "company_name": pl.String, "credit_code": pl.String, "mobile": pl.String, "phone": pl.String,
    "email": pl.String, "province": pl.String, "city": pl.String, "district": pl.String,
    "address": pl.String, "id_birth_date": pl.Date, "id_gender": pl.String, "given_name": pl.String,
    "family_name": pl.String, "postcode": pl.String, "identifier": pl.String,
}
# fmt: on


def prepare_features(records: pl.DataFrame) -> pl.DataFrame:
    """Staged records (staging.customers columns) -> one row per record with FEATURE_COLUMNS.

    Missing optional input columns are treated as null; `<field>_status` columns are honoured
    when present. Blank strings become null. Independent columns are computed on parallel
    threads (polars releases the GIL), as many as polars' own pool has.
    """
    frame = _with_defaults(records)
    with ThreadPoolExecutor(pl.thread_pool_size()) as pool:
        frame = frame.with_columns(pool.map(lambda column: _cleaned(frame[column]), _TEXT_COLUMNS))
        frame = _with_usable_values(frame)
        frame = frame.with_columns(_whole_name(frame))
        # The longest part first, so that the others share the remaining threads.
        parts = [pool.submit(part, frame) for part in (_place_columns, _contact_columns)]
        names = pool.submit(name_keys, frame["name"].unique().drop_nulls())
        columns = [part.result() for part in parts]
    base = frame.select(
        pl.col("record_key"),
        pl.col("customer_type"),
        pl.col("name").alias("name_clean"),
        pl.coalesce("gender", "id_gender").alias("gender"),
        pl.coalesce("birth_date", "id_birth_date").alias("birth_date"),
        pl.coalesce("birth_date", "id_birth_date").dt.strftime("%Y%m%d").alias("birth_digits"),
        _shaped("id_number", r"^\d{17}[\dX]$"),
        _shaped("credit_code", r"^[0-9A-Z]{18}$"),
        pl.col("given_name").str.to_lowercase(),
        pl.col("family_name").str.to_lowercase(),
        pl.col("postcode").str.replace_all(" ", "", literal=True),
        pl.col("identifier"),
    )
    base = pl.concat([base, *columns], how="horizontal")
    return base.join(names.result(), on="name_clean", how="left").select(FEATURE_COLUMNS)


def _cleaned(values: pl.Series) -> pl.Series:
    return per_value(values, clean_text) if values.name in _REGIONS else clean_text(values)


def _with_usable_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Unusable contacts nulled, e-mail lower case, codes upper case without spaces, the address
    without spaces, the city without 市."""
    return frame.with_columns(
        _usable(frame, "mobile", pl.col("mobile")),
        _usable(frame, "email", pl.col("email").str.to_lowercase()),
        _usable(frame, "phone", pl.col("phone")),
        _usable(frame, "gender", pl.col("gender")),
        _usable(frame, "identifier", pl.col("identifier").str.to_uppercase()),
        *(_unspaced(c).str.to_uppercase() for c in ("id_number", "credit_code")),
        _unspaced("address").alias("address_compact"),
        per_value(frame["city"], places.region_stem).alias("city_stem"),
    )


def _whole_name(frame: pl.DataFrame) -> pl.Expr:
    """name, or the given and family name joined: staging derives it already (normalize.names); this
    covers frames staged before that and the benches' hand-built frames."""
    joined = joined_name(pl.col("given_name"), pl.col("family_name"))
    return pl.coalesce(pl.col("name"), joined).alias("name")


def _contact_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """mobile, mobile_last8, email, email_local, email_domain, phone."""
    return pl.DataFrame(
        [
            frame["mobile"],
            _last_digits(frame["mobile"]).alias("mobile_last8"),
            frame["email"],
            *_email_parts(frame["email"]),
            frame["phone"],
        ]
    )


def _place_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """company_core, company_form, company_branch, city, district, address, address_street."""
    address = places.address_core(frame["address_compact"])
    company = places.company_core(frame["company_name"], frame["city"], frame["province"])
    return pl.DataFrame(
        [
            company.alias("company_core"),
            pl.select(places.company_form(frame["company_name"])).to_series().alias("company_form"),
            places.company_branch(frame["company_name"]).alias("company_branch"),
            places.city(frame["city_stem"], frame["province"], frame["address_compact"]).alias("city"),
            frame["district"],
            address.alias("address"),
            places.address_street(address).alias("address_street"),
        ]
    )


def _with_defaults(records: pl.DataFrame) -> pl.DataFrame:
    """The columns features read, absent ones as null, in one chunk each: polars string expressions
    over a many-chunk frame (as DuckDB and parquet hand it over) run several times slower."""
    absent = [pl.lit(None, dtype).alias(c) for c, dtype in _INPUT_COLUMNS.items() if c not in records.columns]
    statuses = [f"{c}_status" for c in _STATUS_FIELDS if f"{c}_status" in records.columns]
    frame = records.with_columns(absent) if absent else records
    return frame.select("record_key", "customer_type", *_INPUT_COLUMNS, *statuses).rechunk()


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


def _last_digits(mobile: pl.Series) -> pl.Series:
    """The last 8 digits of a number. Stripping a leading "+" leaves most numbers all ASCII digits;
    only the others go through the regex."""
    unsigned = mobile.str.strip_prefix("+")
    digits = on_rows(unsigned, unsigned.str.contains("[^0-9]").fill_null(False), _digits_only)
    return digits.str.slice(-8)


def _digits_only(values: pl.Series) -> pl.Series:
    return values.str.replace_all(r"\D", "")


def _email_parts(email: pl.Series) -> list[pl.Series]:
    """email_local (the part before the first "@", without . _ -) and email_domain (the part after
    it, unless a public mail domain). Cleaned text has no line breaks, so "after the first @" is
    what the regex `@(.+)$` would find."""
    parts = email.str.splitn("@", 2).struct.unnest()
    local, domain = parts["field_0"], parts["field_1"]
    local = local.set(domain.is_null() | (local == ""), None)
    separated = local.str.contains_any([".", "_", "-"]).fill_null(False)
    local = on_rows(local, separated, lambda v: v.str.replace_all(r"[._\-]", ""))
    domain = blank_to_null(domain)
    public = domain.is_in(pl.Series(sorted(PUBLIC_MAIL_DOMAINS)).implode()).fill_null(False)
    return [local.alias("email_local"), domain.set(public, None).alias("email_domain")]
