"""staging.customers: raw rows mapped onto the canonical schema and normalized, per snapshot date."""

import datetime as dt

import dagster as dg
import polars as pl

from dq_project.assets.keys import CUSTOMER_ROWS
from dq_project.normalize import normalize_source_frame
from dq_project.partitions import CODE_VERSIONS, OWNERS, declaration
from dq_project.sources.partition import read_canonical
from dq_project.warehouse.resource import WarehouseResource
from dq_project.warehouse.sql import run_sql

STATUS_FIELDS = ("mobile", "email", "id_number", "credit_code", "birth_date", "name")


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
    settings = warehouse.settings()
    snapshot_date = dt.date.fromisoformat(context.partition_key)
    frames = []
    with warehouse.connect() as con:
        for source in settings.sources:
            canonical = read_canonical(con, str(snapshot_date), source)
            if canonical.is_empty():
                continue
            # today = the snapshot date: birth dates after it are invalid, on re-runs too
            normalized = normalize_source_frame(canonical, source, snapshot_date)
            frames.append(normalized.with_columns(pl.lit(snapshot_date).alias("snapshot_date")))
        staged_frame = pl.concat(frames, how="diagonal_relaxed") if frames else None
        con.begin()
        run_sql(con, "staging/delete_customers_partition", snapshot_date=str(snapshot_date))
        if staged_frame is not None:
            con.register("staged_frame", staged_frame.to_arrow())
            run_sql(con, "staging/insert_customers")
            con.unregister("staged_frame")
        con.commit()
    metadata = {
        "dagster/row_count": 0 if staged_frame is None else staged_frame.height,
    }
    if staged_frame is not None:
        for field in STATUS_FIELDS:
            counts = staged_frame[f"{field}_status"].fill_null("null").value_counts().rows()
            metadata[f"{field}_status"] = {status: int(n) for status, n in counts}
    return dg.MaterializeResult(metadata=metadata)
