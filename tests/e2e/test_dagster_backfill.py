"""A backfill launched the way the UI launches one (an asset backfill run by Dagster's backfill
daemon), over three dates requested out of order, gives the same tables as `dq backfill`, and both
the same as one run per date: with `BackfillPolicy.single_run()` Dagster launches the range as one
run, and every asset goes through its dates in date order (dq_project.partitions.each_date)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill
from dagster._core.test_utils import create_test_daemon_workspace_context
from dagster._core.workspace.load_target import ModuleTarget
from dagster._daemon.backfill import execute_backfill_iteration
from dq_generator import generate
from typer.testing import CliRunner

from dq_project.assets.keys import CLUSTERS
from dq_project.cli.app import app
from dq_project.definitions import defs
from dq_project.runner import RANGE_END, RANGE_START, run_daily
from dq_project.settings import PROJECT_ROOT, load_settings
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

DAYS = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(3)]
OUT_OF_ORDER = [DAYS[2].isoformat(), DAYS[0].isoformat(), DAYS[1].isoformat()]
CONFIG = PROJECT_ROOT / "dq.toml"


def _land(home: Path, exports: Path) -> None:
    files = sorted(str(p) for p in exports.glob("*/crm/*.csv"))
    landed = CliRunner().invoke(
        app, ["ingest", *files, "--source", "crm", "--no-run", "--config", str(CONFIG), "--home", str(home)]
    )
    assert landed.exit_code == 0, landed.output


STATE = {
    "clusters": "select as_of_date, record_key, golden_id from matching.clusters order by all",
    "golden": "select as_of_date, golden_id, name, mobile from golden.customers order by all",
    "rules": "select snapshot_date, rule_id, evaluated, failed, passed from quality.rule_results "
    "order by all",
    "kpis": "select snapshot_date, scope, dimension, round(measure, 9) from quality.kpi_history order by all",
    "staged": "select snapshot_date, count(*) from staging.customers group by all order by all",
    # in the order linkage ran: each date after the one before, and linked from it
    "linked": "select as_of_date, previous_date from matching.runs order by rowid",
}


def _state(home: Path) -> dict[str, list]:
    con = connect_warehouse(load_settings(CONFIG, home=home, env={}), read_only=True)
    try:
        return {name: con.sql(sql).fetchall() for name, sql in STATE.items()}
    finally:
        con.close()


def _dagster_backfill(home: Path, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Submit an asset backfill of every asset for OUT_OF_ORDER (what the UI's "Materialize
    selected" over partitions does) and let the backfill daemon run it; returns the partitions
    of matching/clusters in the order they were materialized."""
    monkeypatch.setenv("DQ_CONFIG", str(CONFIG))
    monkeypatch.setenv("DQ_HOME", str(home))
    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id="dqtest",
        asset_graph=defs.resolve_asset_graph(),
        partition_names=OUT_OF_ORDER,
        asset_selection=list(defs.resolve_all_asset_keys()),
        backfill_timestamp=time.time(),
        tags={"dq/trigger": "test-backfill"},
        dynamic_partitions_store=instance,
        all_partitions=False,
        title=None,
        description=None,
        run_config=None,
    )
    instance.add_backfill(backfill)
    target = ModuleTarget(
        module_name="dq_project.definitions",
        attribute="defs",
        working_directory=str(PROJECT_ROOT),
        location_name="dq",
    )
    logger = logging.getLogger("dq.test.backfill")
    with create_test_daemon_workspace_context(target, instance) as workspace:
        for _ in range(30):
            list(execute_backfill_iteration(workspace, logger))
            if instance.get_backfill("dqtest").status != BulkActionStatus.REQUESTED:
                break
    assert instance.get_backfill("dqtest").status == BulkActionStatus.COMPLETED_SUCCESS
    runs = instance.get_runs()
    assert runs and all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
    assert all(run.tags.get("dq/trigger") == "test-backfill" for run in runs)
    # The single-run backfill policy: one run per launch, over the whole range, not one per date.
    assert all(run.tags.get(RANGE_START) == OUT_OF_ORDER[1] for run in runs), [r.tags for r in runs]
    assert all(run.tags.get(RANGE_END) == OUT_OF_ORDER[0] for run in runs)
    records = instance.fetch_materializations(CLUSTERS, limit=10).records
    return [r.partition_key for r in sorted(records, key=lambda r: r.storage_id)]


def test_dagster_backfill_out_of_order_matches_dq_backfill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = tmp_path / "exports"
    for day in DAYS:
        generate(300, 5, exports / day.isoformat(), day)
    cli_home, dagster_home = tmp_path / "cli", tmp_path / "dagster"
    _land(cli_home, exports)
    _land(dagster_home, exports)

    result = CliRunner().invoke(
        app,
        ["backfill", "--from", DAYS[0].isoformat(), "--to", DAYS[-1].isoformat(),
         "--config", str(CONFIG), "--home", str(cli_home)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    # The reference: one run per date, in date order (what `dq backfill` did before ranges).
    per_date_home = tmp_path / "per_date"
    _land(per_date_home, exports)
    warehouse = WarehouseResource(config_path=str(CONFIG), home=str(per_date_home))
    for day in DAYS:
        assert run_daily(warehouse, day, log_level="WARNING").success

    (tmp_path / "dagster_home").mkdir()
    # A persistent instance (the daemon needs one) with dq's pool limit; each launched run executes
    # in this process as soon as the daemon submits it.
    with dg.instance_for_test(
        overrides={"concurrency": {"pools": {"default_limit": 1}}},
        temp_dir=str(tmp_path / "dagster_home"),
        synchronous_run_coordinator=True,
        synchronous_run_launcher=True,
    ) as instance:
        launched = _dagster_backfill(dagster_home, instance, monkeypatch)
    assert sorted(launched) == [day.isoformat() for day in DAYS]
    reference, cli, dagster = _state(per_date_home), _state(cli_home), _state(dagster_home)
    # Requested out of order, linked in date order, each date from the one before.
    assert reference["linked"] == [(DAYS[0], None), (DAYS[1], DAYS[0]), (DAYS[2], DAYS[1])]
    assert {row[0] for row in reference["golden"]} == set(DAYS)
    for name in STATE:
        assert cli[name] == reference[name], name
        assert dagster[name] == reference[name], name
