"""The one Definitions object: explicit assembly, no logic, no environment reads."""

import dagster as dg

from dq_project.assets import audit, golden, matching, quality, raw, staging
from dq_project.schedules import daily_pipeline, daily_schedule, landing_sensor
from dq_project.warehouse.resource import WarehouseResource

ALL_ASSETS = [
    raw.customer_rows,
    staging.customers,
    quality.rule_results,
    matching.entity_resolution,
    golden.golden_customers,
    audit.kpi_history,
    audit.report,
]

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[daily_pipeline],
    schedules=[daily_schedule],
    sensors=[landing_sensor],
    resources={"warehouse": WarehouseResource()},
    # Also the executor of the asset jobs Dagster builds itself (a UI or `dagster asset backfill`
    # launch): one process, since every step writes the one DuckDB file anyway (pool dq_warehouse).
    executor=dg.in_process_executor,
)
