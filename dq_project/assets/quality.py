"""quality.rule_results / quality.rule_failures: the Great Expectations suite over a staged partition.

Every rule of the catalog is also a Dagster asset check on quality/rule_results; a failing ERROR rule
(failed ratio above its threshold) is a blocking check, so matching and golden records do not run.
"""

import datetime as dt

import dagster as dg
import polars as pl

from dq_project.expectations import Rule, default_rules, run_rules
from dq_project.partitions import daily_snapshots
from dq_project.resources import WarehouseResource
from dq_project.settings import Settings
from dq_project.sql import query_sql, run_sql

RULE_RESULTS = dg.AssetKey(["quality", "rule_results"])
RULE_FAILURES = dg.AssetKey(["quality", "rule_failures"])
STAGED_CUSTOMERS = dg.AssetKey(["staging", "customers"])


def configured_rules(settings: Settings, as_of: dt.date) -> list[Rule]:
    """The default catalog with the config's per-rule overrides applied."""
    overrides = {
        rule_id: override.model_dump(exclude_none=True) for rule_id, override in settings.rules.items()
    }
    return default_rules(overrides, as_of=as_of)


def _check_result(row: dict, samples: list[str]) -> dg.AssetCheckResult:
    severity = dg.AssetCheckSeverity.ERROR if row["severity"] == "ERROR" else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        asset_key=RULE_RESULTS,
        check_name=row["rule_id"],
        passed=bool(row["passed"]),
        severity=severity,
        description=row["description_en"],
        metadata={
            "dimension": row["dimension"],
            "severity": row["severity"],
            "evaluated": int(row["evaluated"]),
            "failed": int(row["failed"]),
            "failed_ratio": float(row["failed_ratio"]),
            "threshold": float(row["threshold"]),
            "masked_samples": samples,
        },
    )


def _with_row_locator(staged: pl.DataFrame) -> pl.DataFrame:
    """Give rows without a source key a locator, so their failures are still reported row by row."""
    locator = pl.format("{}#row{}@{}", "source", "row_number", "load_id")
    return staged.with_columns(pl.coalesce("record_key", locator).alias("record_key"))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RULE_RESULTS,
            deps=[STAGED_CUSTOMERS],
            group_name="quality",
            description="One row per rule per snapshot: evaluated, failed, ratio, passed.",
        ),
        dg.AssetSpec(
            RULE_FAILURES,
            deps=[STAGED_CUSTOMERS],
            group_name="quality",
            description="One row per failing record x rule, values masked.",
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(rule.id, asset=RULE_RESULTS, blocking=True, description=rule.description_en)
        for rule in default_rules()
    ],
    partitions_def=daily_snapshots,
)
def rule_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Run the rule suite on the staged partition (grain: snapshot_date x rule; failures x record)."""
    settings = warehouse.settings()
    snapshot_date = context.partition_key
    rules = configured_rules(settings, dt.date.fromisoformat(snapshot_date))
    with warehouse.connect() as con:
        staged = _with_row_locator(
            query_sql(con, "staging/select_customers_partition", snapshot_date=snapshot_date).pl()
        )
        run = run_rules(staged, rules)
        keys = staged.select("record_key", "source", "source_record_id").unique("record_key", keep="first")
        failures = run.failures.join(
            run.results.select("rule_id", "severity"), on="rule_id", how="left"
        ).join(keys, on="record_key", how="left")
        con.begin()
        run_sql(con, "quality/delete_rule_results_partition", snapshot_date=snapshot_date)
        con.register("rule_results_frame", run.results.to_arrow())
        con.register("rule_failures_frame", failures.to_arrow())
        run_sql(con, "quality/insert_rule_results", snapshot_date=snapshot_date, run_id=context.run_id)
        con.unregister("rule_results_frame")
        con.unregister("rule_failures_frame")
        con.commit()
    failed_rules = run.results.filter(~pl.col("passed"))["rule_id"].to_list()
    yield dg.MaterializeResult(
        asset_key=RULE_RESULTS,
        metadata={"dagster/row_count": run.results.height, "rules_failed": failed_rules},
    )
    yield dg.MaterializeResult(asset_key=RULE_FAILURES, metadata={"dagster/row_count": failures.height})
    configured = {rule.id for rule in rules}
    for row in run.results.iter_rows(named=True):
        samples = failures.filter(pl.col("rule_id") == row["rule_id"]).head(settings.report.failure_samples)
        yield _check_result(row, samples["value_masked"].cast(pl.String).to_list())
    for rule in default_rules():
        if rule.id not in configured:
            yield dg.AssetCheckResult(
                asset_key=RULE_RESULTS, check_name=rule.id, passed=True, metadata={"disabled": True}
            )
