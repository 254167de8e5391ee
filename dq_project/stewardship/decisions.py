"""Steward decisions as data: record, import and list them (plain functions, no Dagster).

Decisions live in matching.steward_decisions (append-only, who / when / why) and are honored by
every later run: merge and keep_apart act on two records after Splink's clustering (must-link /
cannot-link, see dq_project.matching.constraints), unmerge splits a golden record into its records,
override_field sets a golden field (provenance rule 'steward_override').
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import duckdb
import polars as pl

from dq_project.governance.audit_log import log_event
from dq_project.governance.masking import mask_values
from dq_project.stewardship.checks import DecisionError, checked_override, decision_subjects
from dq_project.warehouse.sql import query_sql, run_sql

ACTIONS = ("merge", "keep_apart", "unmerge", "override_field")
OVERRIDABLE_FIELDS = (
    "customer_type", "name", "gender", "birth_date", "id_number", "company_name", "credit_code", "mobile",
    "phone", "email", "province", "city", "district", "address", "owner", "given_name", "family_name",
    "postcode", "identifier",
)  # fmt: skip
# Tables this module needs; created here too so the CLI works on a warehouse made before they existed.
TABLES = ("matching/steward_decisions", "matching/golden_id_changes")
CSV_COLUMNS = ("action", "record_key_l", "record_key_r", "golden_id", "field", "value", "reason")
REVIEW_FIELDS = ("name", "company_name", "mobile", "id_number", "credit_code", "email", "birth_date", "city")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the stewardship tables when missing."""
    for table in TABLES:
        run_sql(con, table)


def record_decision(
    con: duckdb.DuckDBPyConnection,
    action: str,
    *,
    decided_by: str,
    reason: str | None = None,
    left: str | None = None,
    right: str | None = None,
    golden_id: str | None = None,
    field: str | None = None,
    value: str | None = None,
    decided_at: dt.datetime | None = None,
    phone_region: str | None = None,
) -> str:
    """Validate and store one decision; returns its decision_id.

    merge / keep_apart need `left` and `right` (record keys); unmerge needs `golden_id` (its records
    are looked up in its latest clustering and stored, one row each); override_field needs
    `golden_id`, `field` and `value` (null value clears the field; a phone, ID, e-mail, date or
    category is normalised as staging would, `phone_region` reading a phone without country code).
    Unknown record keys or golden IDs and invalid values are refused (dq_project.stewardship.checks);
    the decision stores the golden IDs it affects.
    """
    if action not in ACTIONS:
        raise DecisionError(f"unknown action {action!r}; expected one of {ACTIONS}")
    if not decided_by:
        raise DecisionError("decided_by (the acting steward) is required")
    rows = _decision_rows(con, action, left, right, golden_id, field, value)
    if action == "override_field":
        value = checked_override(field, value, phone_region)
    affected = decision_subjects(con, [k for row in rows for k in row if k], golden_id)
    decision_id = "D" + uuid.uuid4().hex[:15].upper()
    when = (decided_at or dt.datetime.now(dt.UTC)).replace(tzinfo=None).isoformat(sep=" ")
    ensure_tables(con)
    for record_key_l, record_key_r in rows:
        run_sql(
            con,
            "matching/insert_steward_decision",
            decision_id=decision_id,
            decided_at=when,
            decided_by=decided_by,
            action=action,
            record_key_l=record_key_l,
            record_key_r=record_key_r,
            golden_id=golden_id,
            field=field,
            value=value,
            reason=reason,
            affected_golden_ids=affected,
        )
    log_event(
        con,
        "steward_decision",
        target=golden_id or f"{left}|{right}",
        actor=decided_by,
        details={
            "decision_id": decision_id,
            "action": action,
            "field": field,
            "rows": len(rows),
            "golden_ids": affected,
        },
    )
    return decision_id


def _decision_rows(
    con: duckdb.DuckDBPyConnection,
    action: str,
    left: str | None,
    right: str | None,
    golden_id: str | None,
    field: str | None,
    value: str | None,
) -> list[tuple[str | None, str | None]]:
    if action in ("merge", "keep_apart"):
        if not left or not right or left == right:
            raise DecisionError(f"{action} needs two different record keys (left, right)")
        return [(left, right)]
    if not golden_id:
        raise DecisionError(f"{action} needs a golden_id")
    if action == "override_field":
        if field not in OVERRIDABLE_FIELDS:
            raise DecisionError(
                f"override_field: unknown field {field!r}; expected one of {OVERRIDABLE_FIELDS}"
            )
        return [(None, None)]
    members = query_sql(con, "matching/select_golden_members", golden_id=golden_id).fetchall()
    if len(members) < 2:
        raise DecisionError(
            f"unmerge: golden record {golden_id} has {len(members)} record(s); nothing to split"
        )
    return [(key, None) for (key,) in members]


def import_decisions(
    con: duckdb.DuckDBPyConnection, path: Path, decided_by: str, phone_region: str | None = None
) -> list[str]:
    """Record every row of a steward's CSV (columns: action, record_key_l, record_key_r, golden_id,
    field, value, reason; a decided_by column overrides `decided_by` per row). All rows are
    validated before any is stored; returns the decision ids."""
    frame = pl.read_csv(path, infer_schema=False)
    unknown = set(frame.columns) - {*CSV_COLUMNS, "decided_by"}
    if unknown or "action" not in frame.columns:
        raise DecisionError(f"{path}: needs an action column; unknown columns {sorted(unknown)}")
    frame = frame.with_columns(
        pl.lit(None, pl.String).alias(c) for c in CSV_COLUMNS if c not in frame.columns
    )
    rows = frame.with_columns(pl.col(pl.String).str.strip_chars().replace("", None)).to_dicts()
    for number, row in enumerate(rows, start=2):
        if row["action"] not in ACTIONS:
            raise DecisionError(f"{path}:{number}: unknown action {row['action']!r}")
    con.begin()
    try:
        ids = [
            record_decision(
                con,
                row["action"],
                decided_by=row.get("decided_by") or decided_by,
                reason=row["reason"],
                left=row["record_key_l"],
                right=row["record_key_r"],
                golden_id=row["golden_id"],
                field=row["field"],
                value=row["value"],
                phone_region=phone_region,
            )
            for row in rows
        ]
    except Exception:
        con.rollback()
        raise
    con.commit()
    return ids


def load_decisions(con: duckdb.DuckDBPyConnection, as_of: dt.date | str | None = None) -> pl.DataFrame:
    """Every stored decision, oldest first; with `as_of`, those made on or before that date (a
    decision applies from the date it was made: a backfill keeps the history before it)."""
    ensure_tables(con)
    as_of_date = None if as_of is None else str(as_of)
    return query_sql(con, "matching/select_steward_decisions", as_of_date=as_of_date).pl()


def review_list(
    con: duckdb.DuckDBPyConnection, as_of_date: dt.date | None = None, limit: int = 50, mask: bool = True
) -> pl.DataFrame:
    """The review queue of a date (default: the latest) with both records' values, masked unless
    `mask` is off, and the top 3 match weights."""
    if as_of_date is None:
        ((as_of_date,),) = query_sql(con, "matching/select_latest_review_date").fetchall()
    if as_of_date is None:
        return pl.DataFrame()
    frame = query_sql(con, "matching/select_review_list", as_of_date=as_of_date, limit=limit).pl()
    columns = [(f, pl.col(f"{f}_{side}")) for f in REVIEW_FIELDS for side in ("l", "r")]
    shown = [mask_values(f, c) if mask else c.cast(pl.String) for f, c in columns]
    top = pl.Series("top_weights", [_top_weights(w) for w in frame["weights"].to_list()], dtype=pl.String)
    return frame.with_columns(shown).with_columns(top).drop("weights")


def _top_weights(weights: str | None, n: int = 3) -> str:
    """'id_number +9.1, name +4.2, email -2.0': the comparisons that weighed most, either way."""
    items = sorted(json.loads(weights or "{}").items(), key=lambda kv: -abs(kv[1] or 0.0))[:n]
    return ", ".join(f"{k} {v:+.1f}" for k, v in items if v is not None)
