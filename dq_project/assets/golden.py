"""golden.customers / golden.provenance: one survivorship-merged record per entity."""

import dagster as dg

from dq_project.assets.keys import CLUSTERS, GOLDEN_CUSTOMERS, PROVENANCE
from dq_project.engine import engine_of
from dq_project.golden.survivorship import survivorship_rules
from dq_project.partitions import (
    CODE_VERSIONS,
    OWNERS,
    declaration,
    each_date,
    previous_partition,
    range_metadata,
)
from dq_project.stewardship.decisions import ensure_tables
from dq_project.warehouse.resource import WarehouseResource
from dq_project.warehouse.sql import query_sql


class GoldenRunConfig(dg.Config):
    full_rebuild: bool = False
    """Rebuild every golden record of the date instead of only the entities that can have changed."""


def golden_customers_for_date(
    warehouse: WarehouseResource, config: GoldenRunConfig, as_of: str
) -> tuple[dict, dict]:
    """Build one date's golden records; the metadata of golden.customers and golden.provenance."""
    settings = warehouse.settings()
    rules = survivorship_rules(settings.golden.survivorship)
    with warehouse.connect() as con:
        ensure_tables(con)
        # DuckDB: survivorship in the warehouse; Spark: on the lake, then mirrored into it
        mode, rebuilt = engine_of(settings).golden(con, settings, as_of, full=config.full_rebuild)
        ((golden, records, merged),) = query_sql(con, "golden/select_summary", as_of_date=as_of).fetchall()
    return (
        {
            "dagster/row_count": golden,
            "source_records": records,
            "merged_entities": merged,
            "mode": mode,
            "entities_rebuilt": golden if rebuilt is None else rebuilt,
        },
        {"golden_records": golden, "survivorship": dict(rules.iter_rows())},
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            GOLDEN_CUSTOMERS,
            # Incremental builds keep the previous date's rows of unchanged entities.
            deps=[CLUSTERS, previous_partition(GOLDEN_CUSTOMERS)],
            group_name="golden",
            description="One row per entity, survivorship applied.",
            kinds={"duckdb", "sql"},
            owners=OWNERS,
        ),
        dg.AssetSpec(
            PROVENANCE,
            deps=[CLUSTERS],
            group_name="golden",
            description="Per golden field: the winning source record and rule (survivorship per "
            "field, or a steward override).",
            kinds={"duckdb", "sql"},
            owners=OWNERS,
        ),
    ],
    code_version=CODE_VERSIONS["golden"],
    **declaration(),
)
def golden_customers(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: GoldenRunConfig
):
    """Merge each entity's records (grain: as_of_date x golden_id; provenance x field).

    Survivorship follows each field's rule (dq_project.golden.survivorship); a steward's
    override_field decision wins over it. After a build under the same settings only the entities
    that can have changed since are rebuilt (the others keep their stored rows), unless the run
    asks for a full rebuild (`dq run --full`).
    """
    by_date = each_date(context, warehouse, lambda day: golden_customers_for_date(warehouse, config, day))
    yield dg.MaterializeResult(
        asset_key=GOLDEN_CUSTOMERS, metadata=range_metadata({d: m[0] for d, m in by_date.items()})
    )
    yield dg.MaterializeResult(
        asset_key=PROVENANCE, metadata=range_metadata({d: m[1] for d, m in by_date.items()})
    )
