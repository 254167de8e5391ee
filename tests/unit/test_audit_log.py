"""Loads are logged in audit.log with who, what and counts, in the same transaction as the load."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dq_project.governance.audit_log import log_event
from dq_project.settings import Settings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.warehouse.resource import open_warehouse


def test_a_load_is_logged_once_with_counts(settings: Settings) -> None:
    path = settings.landing_dir / "crm" / "crm_2026-01-02.csv"
    path.parent.mkdir(parents=True)
    path.write_text("customer_id,full_name,mobile\nC1,张三,13812345678\nC2,李四\n", encoding="utf-8")
    con = open_warehouse(settings.warehouse_path)
    landed = LandedFile("crm", path, dt.date(2026, 1, 2))
    load_file(con, settings.source("crm"), landed)
    load_file(con, settings.source("crm"), landed)  # already loaded: no second event
    events = con.sql("select actor, action, target, snapshot_date, details from audit.log").fetchall()
    con.close()
    assert len(events) == 1
    actor, action, target, day, details = events[0]
    assert (action, target, day) == ("load", "crm/crm_2026-01-02.csv", dt.date(2026, 1, 2))
    assert actor
    counts = json.loads(details)
    assert (counts["rows_loaded"], counts["rows_quarantined"]) == (1, 1)
    assert "张三" not in details and "13812345678" not in details


def test_unknown_actions_are_refused(settings: Settings) -> None:
    con = open_warehouse(settings.warehouse_path)
    with pytest.raises(ValueError, match="unknown audit action"):
        log_event(con, "delete_everything")
    con.close()
