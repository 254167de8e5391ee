"""The Definitions load, and every job, schedule, sensor and asset check resolves."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from dq_project.assets.quality import ADDITIONAL_CHECK
from dq_project.definitions import defs
from dq_project.expectations import all_rule_ids


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


def test_every_rule_is_a_blocking_asset_check() -> None:
    specs = {
        s.name: s
        for a in defs.resolve_asset_graph().assets_defs
        for s in a.check_specs
        if s.asset_key.to_user_string() == "quality/rule_results"
    }
    assert set(specs) == {*all_rule_ids(), ADDITIONAL_CHECK}
    assert all(spec.blocking for spec in specs.values())


def test_kpi_drop_check_exists() -> None:
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert "kpis_within_drop_threshold" in checks


def test_todays_partition_exists() -> None:
    job = defs.resolve_job_def("daily_pipeline")
    assert dt.date.today().isoformat() in job.partitions_def.get_partition_keys()
