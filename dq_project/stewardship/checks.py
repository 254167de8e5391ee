"""What a steward decision may name: records and golden IDs that exist, override values that pass
the same normalisation as source data. A decision that fails is refused with a message and nothing
is stored (a merge of `crm:NOPE` or a mobile of "not a phone" would otherwise sit in the decision
table for ever, honoured by nothing or copied into a golden record)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from dq_project.normalize.categories import normalize_customer_type, normalize_gender
from dq_project.normalize.cn_ids import normalize_credit_code, normalize_resident_id
from dq_project.normalize.dates import normalize_date
from dq_project.normalize.email import normalize_email
from dq_project.normalize.phone import normalize_mobile, normalize_phone
from dq_project.warehouse.sql import query_sql


class DecisionError(ValueError):
    """A steward decision that cannot be recorded (unknown action, missing keys or field)."""


# Override fields with a normaliser: the value is checked and stored as staging would store it.
CHECKED: dict[str, Callable[..., pl.DataFrame]] = {
    "customer_type": normalize_customer_type,
    "gender": normalize_gender,
    "birth_date": normalize_date,
    "id_number": normalize_resident_id,
    "credit_code": normalize_credit_code,
    "email": normalize_email,
    "mobile": normalize_mobile,
    "phone": normalize_phone,
}


def decision_subjects(
    con: duckdb.DuckDBPyConnection, record_keys: list[str], golden_id: str | None
) -> list[str]:
    """The golden IDs the decision affects; raises DecisionError for an unknown record or golden ID."""
    ((unknown, golden_known, affected),) = query_sql(
        con, "matching/select_decision_subjects", record_keys=record_keys, golden_id=golden_id
    ).fetchall()
    if unknown:
        raise DecisionError(
            f"unknown record key(s) {unknown}: no record was ever loaded under them "
            "(a record key is <source>:<source record id>, as `dq review list` shows it)"
        )
    if not golden_known:
        raise DecisionError(f"unknown golden ID {golden_id!r}: no golden record has ever had it")
    return list(affected or [])


def checked_override(field: str, value: str | None, phone_region: str | None) -> str | None:
    """The override value as it will be stored: normalised for checked fields; refused when invalid.
    A phone without a country code needs `phone_region` (the source's region), else is refused."""
    if value is None or field not in CHECKED:
        return value
    if not value.strip():
        raise DecisionError(f"override_field {field}: an empty value (leave it out to clear the field)")
    values = pl.Series([value])
    if field in ("mobile", "phone"):
        if phone_region is None and not value.strip().startswith("+"):
            raise DecisionError(
                f"override_field {field}: give {value!r} with its country code (+..): the sources "
                "configured do not agree on one phone_region; nothing was recorded"
            )
        # With a country code the default region is not used (any valid region will do).
        result = CHECKED[field](values, phone_region or "US")
    else:
        result = CHECKED[field](values)
    (row,) = result.to_dicts()
    if row["status"] not in ("ok", "normalized"):
        raise DecisionError(
            f"override_field {field}: {value!r} is not a valid {field} ({row['reason']}); "
            "nothing was recorded"
        )
    return str(row["value"])
