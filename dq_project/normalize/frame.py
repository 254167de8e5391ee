"""normalize_frame: every canonical field of a customer frame normalized, with per-field status."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dq_project.normalize.address import normalize_divisions
from dq_project.normalize.categories import plan_customer_type, plan_gender
from dq_project.normalize.cn_ids import plan_credit_code, plan_resident_id
from dq_project.normalize.country import plan_country
from dq_project.normalize.dates import DATE_ORDERS, DateOrder, plan_date, plan_datetime
from dq_project.normalize.email import plan_email
from dq_project.normalize.identifier import plan_identifier, plan_postcode
from dq_project.normalize.names import derive_name
from dq_project.normalize.phone import normalize_mobile, normalize_phone
from dq_project.normalize.text import NAME_PART_PLACEHOLDERS, STATUS_MISSING, plan_tags, plan_text
from dq_project.settings import CANONICAL_FIELDS as SOURCE_FIELDS
from dq_project.settings import DEFAULT_BIRTH_DATE_MIN, SourceSettings

CANONICAL_FIELDS: tuple[str, ...] = ("source", *SOURCE_FIELDS)
UNSTATUSED_FIELDS: tuple[str, ...] = ("source", "source_record_id", "tags")
STATUS_FIELDS: tuple[str, ...] = tuple(f for f in CANONICAL_FIELDS if f not in UNSTATUSED_FIELDS)
TEXT_FIELDS: tuple[str, ...] = ("name", "company_name", "address", "owner")
NAME_PART_FIELDS: tuple[str, ...] = ("given_name", "family_name")
DIVISION_FIELDS: tuple[str, ...] = ("province", "city", "district")
DERIVED_COLUMNS: tuple[str, ...] = ("id_birth_date", "id_gender", "id_region_known", "email_suggestion")
REASON_COLUMNS: tuple[str, ...] = tuple(f"{f}_reason" for f in STATUS_FIELDS)
_RESULT_RENAMES = {
    "birth_date": "id_birth_date",
    "gender": "id_gender",
    "region_known": "id_region_known",
    "suggestion": "email_suggestion",
}


def _field_plans(
    df: pl.DataFrame,
    date_order: DateOrder,
    today: dt.date,
    scheme: str,
    birth_date_min: dt.date,
    country: str,
) -> dict[str, pl.LazyFrame]:
    """Lazy plan per field (customer_type, mobile and phone are handled separately)."""
    name_parts = {f: plan_text(df[f], NAME_PART_PLACEHOLDERS) for f in NAME_PART_FIELDS}
    return (
        {f: plan_text(df[f]) for f in TEXT_FIELDS}
        | name_parts
        | {
            "gender": plan_gender(df["gender"]),
            "birth_date": plan_date(df["birth_date"], date_order, not_after=today, not_before=birth_date_min),
            "postcode": plan_postcode(df["postcode"]),
            "identifier": plan_identifier(df["identifier"], scheme, today),
            "id_number": plan_resident_id(df["id_number"], today),
            "credit_code": plan_credit_code(df["credit_code"]),
            "email": plan_email(df["email"]),
            "tags": plan_tags(df["tags"]),
            "created_at": plan_datetime(df["created_at"], date_order),
            "updated_at": plan_datetime(df["updated_at"], date_order),
            "country": plan_country(df["country"], country),
        }
    )


def _as_columns(field: str, result: pl.DataFrame) -> list[pl.Series]:
    """A field's result frame as output columns: value -> field, status -> field_status, ID extras."""
    renames = {"value": field, "status": f"{field}_status", "reason": f"{field}_reason", **_RESULT_RENAMES}
    return [result[column].rename(renames[column]) for column in result.columns]


def normalize_frame(
    df: pl.DataFrame,
    *,
    default_region: str = "CN",
    date_order: DateOrder = "YMD",
    today: dt.date | None = None,
    identifier_scheme: str = "none",
    birth_date_min: dt.date = DEFAULT_BIRTH_DATE_MIN,
    default_country: str = "CN",
) -> pl.DataFrame:
    """Normalize the canonical customer fields of `df` (staging.customers types; see the contract).

    Columns named after canonical fields are replaced by their normalized values (absent ones are
    added as nulls); id_birth_date, id_gender, id_region_known, email_suggestion, then one
    <field>_status and one <field>_reason column per field (except source, source_record_id, tags)
    are appended. A reason is null when the status is ok or normalized, else e.g. 'blank',
    'placeholder:无', 'checksum', 'bad_prefix', 'impossible_date', 'domain_typo:qq.com'.
    province/city/district are standardized to full names and filled from the address
    (dq_project.normalize.address). Other columns pass through; rows keep their order.
    `default_region` is the phonenumbers region for numbers without a country code; `date_order`
    resolves year-last dates like 03/04/2020; birth dates after `today` (default: the current date)
    are invalid, and so are those before `birth_date_min`; `identifier` is checked by the validator
    of `identifier_scheme` (dq_project.normalize.identifier). A missing name is joined from
    given_name and family_name (dq_project.normalize.names; reason `derived_from:...`).
    `country` is an ISO alpha-2 code, `default_country` (the source's) where the record
    has none; province/city/district are looked up in China's divisions on CN records only.
    """
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {DATE_ORDERS}, got {date_order!r}")
    today = today or dt.date.today()
    absent = [f for f in CANONICAL_FIELDS if f not in df.columns]
    df = df.with_columns(
        *(pl.lit(None, pl.String).alias(f) for f in absent),
        *(pl.col(f).cast(pl.String) for f in CANONICAL_FIELDS if f not in absent),
    )
    plans = _field_plans(df, date_order, today, identifier_scheme, birth_date_min, default_country)
    # collect_all runs the field plans in parallel.
    results = dict(zip(plans, pl.collect_all(list(plans.values())), strict=True))
    results["name"] = derive_name(results["name"], results["given_name"], results["family_name"])
    results["mobile"] = normalize_mobile(df["mobile"], default_region)
    results["phone"] = normalize_phone(df["phone"], default_region)
    has_company = (results["company_name"]["status"] != STATUS_MISSING) | (
        results["credit_code"]["status"] != STATUS_MISSING
    )
    results["customer_type"] = plan_customer_type(df["customer_type"], has_company).collect()
    chinese = results["country"]["value"] == "CN"
    results |= normalize_divisions(df["province"], df["city"], df["district"], df["address"], chinese)
    columns = {s.name: s for field, result in results.items() for s in _as_columns(field, result)}
    values = [columns[f] for f in CANONICAL_FIELDS if f in columns]
    statuses = tuple(f"{f}_status" for f in STATUS_FIELDS)
    extras = [columns[c] for c in (*DERIVED_COLUMNS, *statuses, *REASON_COLUMNS)]
    return df.with_columns(*values, *extras)


def normalize_source_frame(df: pl.DataFrame, source: SourceSettings, today: dt.date) -> pl.DataFrame:
    """normalize_frame with the source's own settings (phone region, date order, identifier scheme,
    birth-date floor, country): the one place staging, its tests and benchmarks read them from."""
    return normalize_frame(
        df,
        default_region=source.phone_region,
        date_order=source.date_order,
        today=today,
        identifier_scheme=source.identifier_scheme,
        birth_date_min=source.birth_date_min,
        default_country=source.default_country,
    )
