"""The Definitions load, and every job, schedule, sensor and asset check resolves."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from dq_project.assets.keys import CLUSTERS, GOLDEN_CUSTOMERS
from dq_project.assets.quality import ADDITIONAL_CHECK
from dq_project.definitions import defs
from dq_project.expectations import all_rule_ids, load_rules
from dq_project.partitions import (
    BACKFILL_POLICY,
    OWNERS,
    PARTITIONS_START,
    WAREHOUSE_POOL,
    daily_snapshots,
)


def test_definitions_resolve() -> None:
    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def("daily_pipeline")
    assert job.partitions_def is not None
    schedule = defs.resolve_schedule_def("daily_pipeline_schedule")
    assert schedule.job_name == "daily_pipeline"
    assert defs.resolve_sensor_def("landing_sensor").job_name == "daily_pipeline"
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert keys >= {
        "raw/customer_rows",
        "raw/quarantine",
        "staging/customers",
        "quality/rule_results",
        "quality/rule_failures",
        "matching/pairs",
        "matching/clusters",
        "matching/review_queue",
        "golden/customers",
        "golden/provenance",
        "quality/kpi_history",
        "audit/report",
    }


def test_every_rule_is_an_asset_check_blocking_only_when_error() -> None:
    specs = {
        s.name: s
        for a in defs.resolve_asset_graph().assets_defs
        for s in a.check_specs
        if s.asset_key.to_user_string() == "quality/rule_results"
    }
    assert set(specs) == {*all_rule_ids(), ADDITIONAL_CHECK}
    severity = {rule.id: rule.severity for rule in load_rules()}
    blocking = {name for name, spec in specs.items() if spec.blocking}
    assert blocking == {r for r, sev in severity.items() if sev == "ERROR"} | {ADDITIONAL_CHECK}
    assert severity["person_name_present"] == "WARN" and "person_name_present" not in blocking


def test_matching_and_golden_depend_on_their_previous_partition() -> None:
    graph = defs.resolve_asset_graph()
    day = "2026-03-02"
    for key in (CLUSTERS, GOLDEN_CUSTOMERS):
        node = graph.get(key)
        assert key in node.parent_keys
        mapping = graph.get_partition_mapping(key, key)
        parent = mapping.get_upstream_mapped_partitions_result_for_partitions(
            daily_snapshots.subset_with_partition_keys([day]), daily_snapshots, daily_snapshots
        ).partitions_subset
        assert list(parent.get_partition_keys()) == ["2026-03-01"]
        first = mapping.get_upstream_mapped_partitions_result_for_partitions(
            daily_snapshots.subset_with_partition_keys([PARTITIONS_START]), daily_snapshots, daily_snapshots
        ).partitions_subset
        assert list(first.get_partition_keys()) == []  # the first date has no previous one and still runs


def test_every_asset_is_described_owned_pooled_and_ordered() -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, key
        assert node.owners == OWNERS, key
        assert node.kinds, key
        assert node.backfill_policy == BACKFILL_POLICY, key
        assert node.pools == {WAREHOUSE_POOL}, key


def test_kpi_drop_check_exists() -> None:
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert "kpis_within_drop_threshold" in checks


def test_todays_partition_exists() -> None:
    job = defs.resolve_job_def("daily_pipeline")
    assert dt.date.today().isoformat() in job.partitions_def.get_partition_keys()


def test_result_deciding_assets_carry_a_code_version() -> None:
    graph = defs.resolve_asset_graph()
    versioned = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).code_version}
    assert versioned == {
        "staging/customers",
        "quality/rule_results",
        "quality/rule_failures",
        "matching/pairs",
        "matching/clusters",
        "matching/review_queue",
        "golden/customers",
        "golden/provenance",
    }


def test_cli_runs_launch_the_job_of_the_one_definitions() -> None:
    """`dq run` / `dq backfill` run `daily_pipeline` of `defs` (the job the UI shows), configured
    by run config as the launchpad would, not a second Definitions bound to their warehouse."""
    from dq_project.runner import pipeline_job, run_config
    from dq_project.warehouse.resource import WarehouseResource

    assert pipeline_job() is defs.get_job_def("daily_pipeline")
    config = run_config(WarehouseResource(config_path="c.toml", home="/h"), retrain=True)
    resolved = dg.validate_run_config(pipeline_job(), config)
    assert resolved["resources"]["warehouse"]["config"] == {
        "config_path": "c.toml",
        "home": "/h",
        "run_lock_wait_seconds": 1800.0,
    }
    assert resolved["ops"]["entity_resolution"]["config"] == {"retrain": True, "full_recompute": False}
