"""The operation audit log (audit.log): one append-only row per run, load, steward decision, model
retrain, export, erasure and denied command. Details carry counts and identifiers, never customer
values (an erasure redacts the erased record key from earlier rows' targets)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import uuid
from typing import Any

import duckdb

from dq_project.settings import env_user
from dq_project.warehouse.sql import run_sql

ACTIONS = (
    "run", "load", "steward_decision", "model_train", "export", "erasure", "rekey", "denied",
    "quarantine_release", "private_report", "restore", "lock_takeover", "backup",
)  # fmt: skip


_acting_user: str | None = None


def set_acting_user(name: str | None) -> None:
    """Name the user the CLI acts for (after its role check); None forgets it."""
    global _acting_user
    _acting_user = name


def os_login() -> str:
    """The operating-system user running dq."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def current_actor() -> str:
    """Who acts: the CLI's acting user (--user), else DQ_USER, else the operating-system user."""
    return _acting_user or env_user() or os_login()


def log_event(
    con: duckdb.DuckDBPyConnection,
    action: str,
    *,
    target: str | None = None,
    snapshot_date: dt.date | str | None = None,
    details: dict[str, Any] | None = None,
    actor: str | None = None,
) -> str:
    """Append one event; returns its id."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {ACTIONS}")
    event_id = "A" + uuid.uuid4().hex[:15].upper()
    run_sql(
        con,
        "audit/insert_log",
        event_id=event_id,
        logged_at=dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" "),
        actor=actor or current_actor(),
        action=action,
        target=target,
        snapshot_date=str(snapshot_date) if snapshot_date else None,
        details=json.dumps(details or {}, ensure_ascii=False, default=str),
    )
    return event_id
