"""matching.pairs / clusters / review_queue: Splink linkage over the current state of all records."""

import dagster as dg

from dq_project.assets.keys import CLUSTERS, PAIRS, REVIEW_QUEUE, RULE_RESULTS, STAGED_CUSTOMERS
from dq_project.engine import engine_of
from dq_project.matching.health import model_health
from dq_project.matching.snapshot import link_snapshot
from dq_project.partitions import (
    CODE_VERSIONS,
    OWNERS,
    declaration,
    each_date,
    previous_partition,
    range_metadata,
    snapshot_dates,
)
from dq_project.stewardship.decisions import ensure_tables
from dq_project.warehouse.resource import WarehouseResource
from dq_project.warehouse.sql import query_sql


class MatchingRunConfig(dg.Config):
    retrain: bool = False
    """Retrain the Splink models instead of reusing the saved JSON (implies a full recompute)."""
    full_recompute: bool = False
    """Re-link every record instead of only the new and changed ones (dq_project.matching.snapshot)."""


def entity_resolution_for_date(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: MatchingRunConfig, as_of: str
) -> tuple[dict, dict, dict]:
    """Link one date; the metadata of matching.pairs, matching.clusters and matching.review_queue."""
    settings = warehouse.settings()
    match_settings = settings.matching
    with warehouse.connect() as con, engine_of(settings).linkage():  # Splink on Spark or DuckDB
        ensure_tables(con)
        outcome = link_snapshot(
            con,
            as_of,
            settings.models_dir,
            match_settings,
            retrain=config.retrain,
            full=config.full_recompute,
        )
        ((entities, largest),) = query_sql(
            con, "matching/select_cluster_summary", as_of_date=as_of
        ).fetchall()
        reasons = dict(query_sql(con, "matching/select_review_reasons", as_of_date=as_of).fetchall())
        ((new_ids, splits, merges, retired),) = query_sql(
            con, "matching/select_id_changes_summary", as_of_date=as_of
        ).fetchall()
        counts = dict(query_sql(con, "matching/select_type_counts", as_of_date=as_of).fetchall())
    health = model_health(settings.models_dir, counts, match_settings)
    for issue in health:
        context.log.warning(f"{issue.customer_type} model: {issue.message}")
    result, plan = outcome.result, outcome.plan
    context.log.info(
        f"{plan.mode} linkage ({plan.reason}): {outcome.records:,} records"
        + ("" if plan.changed is None else f", {plan.changed.len():,} new or changed")
        + f", {outcome.seconds:.1f}s"
    )
    models = {k: str(v) for k, v in result.model_paths.items()}
    return (
        {
            "dagster/row_count": result.pairs.height,
            "models": models,
            "retrained": result.trained,
            "thresholds": {t: {"merge": m, "review": r} for t, (m, r) in (result.thresholds or {}).items()},
            "model_health": [f"{i.customer_type}: {i.message}" for i in health],
            "mode": plan.mode,
            "mode_reason": plan.reason,
            "changed_records": None if plan.changed is None else plan.changed.len(),
        },
        {
            "dagster/row_count": result.clusters.height,
            "records": outcome.records,
            "entities": entities,
            "largest_cluster": largest,
            "steward_decisions": outcome.decisions,
            "golden_ids_new": new_ids,
            "golden_ids_split": splits,
            "golden_ids_merged": merges,
            "golden_ids_retired": retired,
        },
        {"dagster/row_count": sum(reasons.values()), "by_reason": reasons},
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            PAIRS,
            deps=[STAGED_CUSTOMERS, RULE_RESULTS],
            group_name="matching",
            description="Splink pairwise predictions above the floor, with match weights.",
            kinds={"duckdb", "splink"},
            owners=OWNERS,
        ),
        dg.AssetSpec(
            CLUSTERS,
            # Golden IDs carry over from the previous date's clusters: a date runs after the one before.
            deps=[STAGED_CUSTOMERS, RULE_RESULTS, previous_partition(CLUSTERS)],
            group_name="matching",
            description="Record -> entity (cluster_key, stable golden_id carried over from the "
            "previous date; lineage in matching.golden_id_changes) and its merge-band component "
            "(component_key).",
            kinds={"duckdb", "splink"},
            owners=OWNERS,
        ),
        dg.AssetSpec(
            REVIEW_QUEUE,
            deps=[STAGED_CUSTOMERS, RULE_RESULTS],
            group_name="matching",
            description="Uncertain pairs for a data steward.",
            kinds={"duckdb", "splink"},
            owners=OWNERS,
        ),
    ],
    code_version=CODE_VERSIONS["matching"],
    **declaration(),
)
def entity_resolution(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: MatchingRunConfig
):
    """Link current records as of the partition date (grain: as_of_date x pair / x record).

    Steward decisions and conflicting valid IDs constrain Splink's clusters; golden IDs are carried
    over from the previous as_of_date (merges, splits and new IDs go to matching.golden_id_changes).
    With unchanged models only records new or changed since that date are scored (incremental).
    """
    first = snapshot_dates(context)[0]
    # A range retrains (or fully re-links) on its first date only: later dates reuse those models.
    by_date = each_date(
        context,
        warehouse,
        lambda day: entity_resolution_for_date(
            context, warehouse, config if day == first else MatchingRunConfig(), day
        ),
    )
    for index, key in enumerate((PAIRS, CLUSTERS, REVIEW_QUEUE)):
        yield dg.MaterializeResult(
            asset_key=key, metadata=range_metadata({d: m[index] for d, m in by_date.items()})
        )
