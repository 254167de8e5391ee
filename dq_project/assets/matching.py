"""matching.pairs / clusters / review_queue: Splink linkage over the current state of all records."""

import dagster as dg

from dq_project.assets.quality import RULE_RESULTS, STAGED_CUSTOMERS
from dq_project.matching import MatchSettings, resolve_entities
from dq_project.partitions import daily_snapshots
from dq_project.resources import WarehouseResource
from dq_project.sql import query_sql, run_sql
from dq_project.stewardship import ensure_tables, load_decisions

PAIRS = dg.AssetKey(["matching", "pairs"])
CLUSTERS = dg.AssetKey(["matching", "clusters"])
REVIEW_QUEUE = dg.AssetKey(["matching", "review_queue"])


class MatchingRunConfig(dg.Config):
    retrain: bool = False
    """Retrain the Splink models instead of reusing the saved JSON."""


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            PAIRS,
            deps=[STAGED_CUSTOMERS, RULE_RESULTS],
            group_name="matching",
            description="Splink pairwise predictions above the floor, with match weights.",
        ),
        dg.AssetSpec(
            CLUSTERS,
            deps=[STAGED_CUSTOMERS, RULE_RESULTS],
            group_name="matching",
            description="Record -> entity (cluster_key, stable golden_id; lineage in "
            "matching.golden_id_changes).",
        ),
        dg.AssetSpec(
            REVIEW_QUEUE,
            deps=[STAGED_CUSTOMERS, RULE_RESULTS],
            group_name="matching",
            description="Uncertain pairs for a data steward.",
        ),
    ],
    partitions_def=daily_snapshots,
)
def entity_resolution(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: MatchingRunConfig
):
    """Link current records as of the partition date (grain: as_of_date x pair / x record).

    Steward decisions and conflicting valid IDs constrain Splink's clusters; golden IDs are carried
    over from the previous as_of_date (merges, splits and new IDs go to matching.golden_id_changes).
    """
    settings = warehouse.settings()
    as_of = context.partition_key
    match_settings = MatchSettings(**settings.matching.model_dump())
    with warehouse.connect() as con:
        ensure_tables(con)
        records = query_sql(con, "staging/select_current_customers", as_of_date=as_of).pl()
        decisions = load_decisions(con)
        result = resolve_entities(
            records, settings.models_dir, match_settings, retrain=config.retrain, decisions=decisions
        )
        thresholds = {
            "merge_threshold": match_settings.merge_threshold,
            "review_threshold": match_settings.review_threshold,
        }
        con.begin()
        con.register("pairs_frame", result.pairs.to_arrow())
        con.register("clusters_frame", result.clusters.to_arrow())
        run_sql(con, "matching/build_pairs", as_of_date=as_of, **thresholds)
        run_sql(con, "matching/build_clusters", as_of_date=as_of)
        run_sql(
            con,
            "matching/build_review_queue",
            as_of_date=as_of,
            max_cluster_size=match_settings.max_cluster_size,
        )
        con.unregister("pairs_frame")
        con.unregister("clusters_frame")
        con.commit()
        ((entities, largest),) = query_sql(
            con, "matching/select_cluster_summary", as_of_date=as_of
        ).fetchall()
        reasons = dict(query_sql(con, "matching/select_review_reasons", as_of_date=as_of).fetchall())
        ((new_ids, splits, merges, retired),) = query_sql(
            con, "matching/select_id_changes_summary", as_of_date=as_of
        ).fetchall()
    models = {k: str(v) for k, v in result.model_paths.items()}
    yield dg.MaterializeResult(
        asset_key=PAIRS,
        metadata={"dagster/row_count": result.pairs.height, "models": models, "retrained": result.trained},
    )
    yield dg.MaterializeResult(
        asset_key=CLUSTERS,
        metadata={
            "dagster/row_count": result.clusters.height,
            "records": records.height,
            "entities": entities,
            "largest_cluster": largest,
            "steward_decisions": decisions.height,
            "golden_ids_new": new_ids,
            "golden_ids_split": splits,
            "golden_ids_merged": merges,
            "golden_ids_retired": retired,
        },
    )
    yield dg.MaterializeResult(
        asset_key=REVIEW_QUEUE,
        metadata={"dagster/row_count": sum(reasons.values()), "by_reason": reasons},
    )
