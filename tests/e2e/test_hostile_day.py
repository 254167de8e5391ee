"""End to end: a day whose landing folder mixes good exports with hostile files. The real asset
graph runs green; each hostile file ends quarantined or refused; the good files load; a re-run of
the date is green too (it used to fail until someone deleted the file by hand); the audit report
lists the quarantined files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import dagster as dg
import pytest
from dq_generator import generate

from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import WarehouseResource

pytestmark = pytest.mark.e2e
HOSTILE = PROJECT_ROOT / "tests" / "fixtures" / "hostile"
DAY = dt.date(2026, 4, 1)
# corpus file -> (name landed under crm/, expected status)
LANDED = {
    "gzip_named.csv": (f"gzip_{DAY}.csv", "unreadable"),
    "utf16_le.csv": (f"utf16_{DAY}.csv", "unreadable"),
    "missing_primary_key.csv": (f"no_key_column_{DAY}.csv", "unreadable"),
    "customers_9999-12-31.csv": ("customers_9999-12-31.csv", "unreadable"),
    "mixed_line_endings.csv": (f"mixed_{DAY}.csv", None),  # read correctly
}


def test_a_day_with_hostile_files_runs_green(tmp_path: Path) -> None:
    home = tmp_path / "home"
    snapshot = generate(300, 5, home / "landing", DAY)
    crm = snapshot.files["crm"].parent
    for name, (landed, _) in LANDED.items():
        shutil.copyfile(HOSTILE / name, crm / landed)
    noon = dt.datetime.combine(DAY, dt.time(12), tzinfo=dt.UTC).timestamp()
    os.utime(crm / "customers_9999-12-31.csv", (noon, noon))  # landed on DAY, named for 9999
    secret = tmp_path / "secret.csv"
    secret.write_text("customer_id\nSECRET-ROW\n")
    (crm / f"link_{DAY}.csv").symlink_to(secret)

    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home))
    instance = dg.DagsterInstance.ephemeral()
    assert run_daily(warehouse, DAY, instance=instance, log_level="WARNING").success
    assert run_daily(warehouse, DAY, instance=instance, log_level="WARNING").success  # re-run: green

    with warehouse.connect(read_only=True) as con:
        held = dict(con.sql("select file_name, kind from raw.quarantined_files").fetchall())
        loads = dict(con.sql("select file_name, rows_loaded from raw.loads").fetchall())
        secret_rows = con.sql("select count(*) from raw.customer_rows where record::varchar like '%SECRET%'")
        staged = con.sql("select count(*) from staging.customers where source_record_id like 'H%'").fetchone()
        assert secret_rows.fetchone()[0] == 0
    expected = {landed: kind for landed, kind in LANDED.values() if kind} | {f"link_{DAY}.csv": "refused"}
    assert held == expected
    assert loads[f"mixed_{DAY}.csv"] == 4 and staged[0] == 4
    assert {p.name for p in snapshot.files.values()} <= set(loads)
    report = (home / "reports" / DAY.isoformat() / "audit.html").read_text(encoding="utf-8")
    assert 'id="quarantined-files"' in report and f"gzip_{DAY}.csv" in report and "SECRET" not in report
