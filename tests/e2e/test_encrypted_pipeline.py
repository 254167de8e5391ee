"""The real asset graph on an encrypted warehouse: same tables filled, no customer value on disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dq_generator import generate

from dq_project.governance.encryption import WarehouseKeyError
from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT, load_settings
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

pytestmark = pytest.mark.e2e
DAY = dt.date(2026, 7, 1)
KEY = "e2e warehouse key, long enough"


def test_pipeline_on_an_encrypted_warehouse(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "dq.toml"
    config.write_text(
        (PROJECT_ROOT / "dq.toml").read_text(encoding="utf-8") + "\n[warehouse]\nencrypted = true\n",
        encoding="utf-8",
    )
    home = tmp_path / "home"
    snapshot = generate(300, 11, home / "landing", DAY)
    crm = pl.read_csv(snapshot.files["crm"], infer_schema=False)
    phones = [p for p in crm["mobile"].drop_nulls().to_list() if len(p) >= 11][:20]
    names = [n for n in crm["full_name"].drop_nulls().to_list() if len(n.encode()) >= 9][:20]
    assert phones and names

    monkeypatch.setenv("DQ_WAREHOUSE_KEY", KEY)
    warehouse = WarehouseResource(config_path=str(config), home=str(home))
    result = run_daily(warehouse, DAY, instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"raw/customer_rows", "staging/customers", "golden/customers", "audit/report"} <= materialized

    con = connect_warehouse(warehouse.settings(), read_only=True)
    (raw_rows,) = con.sql("select count(*) from raw.customer_rows").fetchall()[0]
    (golden,) = con.sql(
        "select count(*) from golden.customers where as_of_date = $d", params={"d": DAY}
    ).fetchall()[0]
    con.close()
    assert raw_rows == sum(len(pl.read_csv(p, infer_schema=False)) for p in snapshot.files.values())
    assert 0 < golden < raw_rows

    path = warehouse.settings().warehouse_path
    stored = path.read_bytes()
    leaked = [v for v in [*phones, *names, "customer_rows", "golden"] if v.encode() in stored]
    assert leaked == [] and not path.with_name(path.name + ".wal").exists()

    monkeypatch.delenv("DQ_WAREHOUSE_KEY")
    with pytest.raises(WarehouseKeyError, match="DQ_WAREHOUSE_KEY is not set"):
        connect_warehouse(load_settings(config, home=home))
    failed = run_daily(warehouse, DAY, instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    assert not failed.success
    errors = [e.step_failure_data.error.to_string() for e in failed.all_events if e.is_step_failure]
    assert errors and all("DQ_WAREHOUSE_KEY is not set" in message for message in errors)
