"""staging.customers: raw rows mapped onto the canonical schema and normalized, per snapshot date."""

import datetime as dt

import dagster as dg

from dq_project.assets.keys import CUSTOMER_ROWS
from dq_project.engine import engine_of
from dq_project.normalize.incremental import stage_partition, staged_statuses
from dq_project.partitions import CODE_VERSIONS, OWNERS, declaration, each_date, range_metadata
from dq_project.warehouse.resource import WarehouseResource

STATUS_FIELDS = ("mobile", "email", "id_number", "credit_code", "birth_date", "name")


def customers_for_date(warehouse: WarehouseResource, day: str) -> dict:
    """Stage one date's raw rows; its materialization metadata."""
    settings = warehouse.settings()
    snapshot_date = dt.date.fromisoformat(day)
    if (engine := engine_of(settings)).is_spark:  # the same work in Spark over the lake
        return engine.staging(warehouse, snapshot_date, STATUS_FIELDS)
    with warehouse.connect() as con:
        stage_partition(con, settings.sources, snapshot_date, CODE_VERSIONS["staging"])
        statuses = staged_statuses(con, snapshot_date, STATUS_FIELDS)
    metadata = {"dagster/row_count": statuses.height}
    if statuses.height:
        for field in STATUS_FIELDS:
            counts = statuses[f"{field}_status"].fill_null("null").value_counts().rows()
            metadata[f"{field}_status"] = {status: int(n) for status, n in counts}
    return metadata


@dg.asset(
    key=["staging", "customers"],
    deps=[CUSTOMER_ROWS],
    group_name="staging",
    description="Raw rows mapped onto the canonical schema and normalized (mobile, email, IDs, "
    "dates, names), each with a status and reason per field.",
    kinds={"duckdb", "polars"},
    owners=OWNERS,
    code_version=CODE_VERSIONS["staging"],
    **declaration(),
)
def customers(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Canonical, normalized customers (grain: one row per raw row; key: snapshot_date, record_key)."""
    by_date = each_date(context, warehouse, lambda day: customers_for_date(warehouse, day))
    return dg.MaterializeResult(metadata=range_metadata(by_date))
