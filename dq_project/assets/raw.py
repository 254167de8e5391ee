"""raw.customer_rows and raw.quarantine: landed files read exactly once, every row kept."""

import datetime as dt

import dagster as dg

from dq_project.assets.keys import CUSTOMER_ROWS, QUARANTINE
from dq_project.engine import engine_of
from dq_project.partitions import OWNERS, declaration, each_date, range_metadata
from dq_project.sources.ingest import files_for_partition, load_file
from dq_project.warehouse.resource import WarehouseResource


def customer_rows_for_date(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, day: str
) -> tuple[dict, dict]:
    """Load one date's landed files; the metadata of raw.customer_rows and raw.quarantine."""
    settings = warehouse.settings()
    snapshot_date = dt.date.fromisoformat(day)
    files = files_for_partition(settings, snapshot_date)
    if not files:
        context.log.warning(f"no landed files for {snapshot_date} under {settings.landing_dir}")
    outcomes = []
    with warehouse.connect() as con, engine_of(settings).ingest():  # Spark: its CSV reader
        for landed in files:
            outcome = load_file(con, settings.source(landed.source), landed)
            if outcome.problem:  # the file is quarantined or refused; the date goes on without it
                context.log.warning(
                    f"{landed.source}/{landed.path.name}: {outcome.status} ({outcome.problem}); "
                    f"{outcome.action}"
                )
                outcomes.append(outcome)
                continue
            context.log.info(
                f"{landed.source}/{landed.path.name}: {outcome.status}, {outcome.rows_loaded} rows, "
                f"{outcome.rows_quarantined} quarantined, encoding {outcome.encoding}"
            )
            if outcome.missing_columns or outcome.extra_columns:
                context.log.warning(
                    f"{landed.source}/{landed.path.name}: schema drift: mapped columns missing "
                    f"{outcome.missing_columns}, unknown columns kept in raw {outcome.extra_columns}"
                )
            for warning in outcome.warnings:
                context.log.warning(f"{landed.source}/{landed.path.name}: {warning}")
            outcomes.append(outcome)
    loaded = sum(o.rows_loaded for o in outcomes)
    quarantined = sum(o.rows_quarantined for o in outcomes)
    files_meta = {f"{o.file.source}/{o.file.path.name}": o.status for o in outcomes}
    held = sum(o.status in ("quarantined", "refused") for o in outcomes)
    return (
        {
            "dagster/row_count": loaded,
            "files": files_meta,
            "rows_quarantined": quarantined,
            "files_quarantined": held,
        },
        {"dagster/row_count": quarantined},
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            CUSTOMER_ROWS,
            description="Every input row as received (JSON of text values).",
            group_name="raw",
            kinds={"duckdb", "python"},
            owners=OWNERS,
        ),
        dg.AssetSpec(
            QUARANTINE,
            description="Rows that could not be read, with reason and raw text.",
            group_name="raw",
            kinds={"duckdb", "python"},
            owners=OWNERS,
        ),
    ],
    **declaration(),
)
def customer_rows(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Load the partition's landed files (grain: one row per input row; key: load_id, row_number)."""
    by_date = each_date(context, warehouse, lambda day: customer_rows_for_date(context, warehouse, day))
    yield dg.MaterializeResult(
        asset_key=CUSTOMER_ROWS, metadata=range_metadata({d: m[0] for d, m in by_date.items()})
    )
    yield dg.MaterializeResult(
        asset_key=QUARANTINE, metadata=range_metadata({d: m[1] for d, m in by_date.items()})
    )
