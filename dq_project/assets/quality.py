"""quality.rule_results / quality.rule_failures: the Great Expectations suite over a staged partition.

Every rule of the catalog is also a Dagster asset check on quality/rule_results. Only the shipped
suite's ERROR rules are declared blocking (a failed ratio above their threshold stops matching and
golden records); WARN rules are reported, not blocking, so the UI no longer labels them as gates.
A rule the config promotes to ERROR (`[rules.<id>] severity = "ERROR"`) cannot change its declared
flag (checks are fixed when the code location loads), so its failure also fails the blocking
`additional_expectations` check and still stops the run.
"""

import dagster as dg
import polars as pl

from dq_project.assets.keys import RULE_FAILURES, RULE_RESULTS, STAGED_CUSTOMERS
from dq_project.engine import engine_of
from dq_project.expectations import Rule, all_rule_ids, build_suite, load_rules, run_rules
from dq_project.expectations.partition import validate_partition
from dq_project.partitions import CODE_VERSIONS, OWNERS, declaration, each_date, range_checks, range_metadata
from dq_project.settings import Settings
from dq_project.warehouse.resource import WarehouseResource

ADDITIONAL_CHECK = "additional_expectations"
DATA_DOCS_DIR = "gx"


def configured_rules(settings: Settings) -> list[Rule]:
    """dq's suite and the user's suite files, with the config's `[rules.<id>]` overrides and each
    source's `[sources.rules]` applicability applied."""
    overrides = {
        rule_id: override.model_dump(exclude_none=True) for rule_id, override in settings.rules.items()
    }
    scopes = {source.name: source.rules.model_dump() for source in settings.sources}
    return load_rules(overrides, suites=settings.validation.suites, scopes=scopes)


BLOCKING_RULES = frozenset(rule.id for rule in load_rules() if rule.severity == "ERROR")
"""The shipped suite's ERROR rules: the checks declared blocking."""


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


def rule_results_for_date(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, snapshot_date: str
) -> tuple[dict, dict, list[dg.AssetCheckResult]]:
    """Validate one date: the metadata of quality.rule_results and rule_failures, and its checks."""
    settings = warehouse.settings()
    checks: list[dg.AssetCheckResult] = []
    rules = configured_rules(settings)
    engine = engine_of(settings)  # GX's Spark engine on Spark, its pandas engine on DuckDB
    with warehouse.connect() as con:  # in full, or from the previous date (expectations/partition.py)
        run = validate_partition(
            con,
            snapshot_date,
            rules,
            run_id=context.run_id,
            code_version=CODE_VERSIONS["quality"],
            per_rule=settings.report.failure_samples,
            runner=engine.run_rules if engine.is_spark else run_rules,
            incremental_ok=settings.validation.incremental and not engine.is_spark,
        )
    failed_rules = run.results.filter(~pl.col("passed"))["rule_id"].to_list()
    metadata = {"dagster/row_count": run.results.height, "rules_failed": failed_rules, "validated": run.mode}
    if settings.validation.data_docs and run.validation is not None:
        from dq_project.expectations.datadocs import write_data_docs  # imports GX's renderers

        page = write_data_docs(
            run.validation,
            build_suite(rules),
            settings.reports_dir / snapshot_date / DATA_DOCS_DIR,
            mask_pii=settings.report.mask_pii,
        )
        metadata["data_docs"] = dg.MetadataValue.path(str(page))
    declared = set(all_rule_ids())
    for row in run.results.iter_rows(named=True):
        if row["rule_id"] in declared:
            checks.append(_check_result(row, run.samples.get(row["rule_id"], [])))
    promoted = pl.col("rule_id").is_in(list(BLOCKING_RULES)).not_() & (pl.col("severity") == "ERROR")
    checks.append(_additional_check(run.results.filter(~pl.col("rule_id").is_in(list(declared)) | promoted)))
    configured = {rule.id for rule in rules}
    for rule_id in sorted(declared - configured):
        checks.append(
            dg.AssetCheckResult(
                asset_key=RULE_RESULTS, check_name=rule_id, passed=True, metadata={"disabled": True}
            )
        )
    return metadata, {"dagster/row_count": run.failure_count}, checks


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RULE_RESULTS,
            deps=[STAGED_CUSTOMERS],
            group_name="quality",
            description="One row per rule per snapshot: evaluated, failed, ratio, passed.",
            kinds={"duckdb", "great_expectations"},
            owners=OWNERS,
        ),
        dg.AssetSpec(
            RULE_FAILURES,
            deps=[STAGED_CUSTOMERS],
            group_name="quality",
            description="One row per failing record x rule, values masked.",
            kinds={"duckdb", "great_expectations"},
            owners=OWNERS,
        ),
    ],
    check_specs=[
        *(
            dg.AssetCheckSpec(rule_id, asset=RULE_RESULTS, blocking=rule_id in BLOCKING_RULES)
            for rule_id in all_rule_ids()
        ),
        dg.AssetCheckSpec(
            ADDITIONAL_CHECK,
            asset=RULE_RESULTS,
            blocking=True,
            description="Expectations from the config's suite files and sources' required fields, "
            "and rules the config promotes to ERROR.",
        ),
    ],
    code_version=CODE_VERSIONS["quality"],
    **declaration(),
)
def rule_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Run the rule suite on the staged partition (grain: snapshot_date x rule; failures x record).

    A range run validates every date and reports each check once (Dagster takes one result per
    check per run): failed if it failed on any date, with the dates (see `range_check`)."""
    by_date = each_date(context, warehouse, lambda day: rule_results_for_date(context, warehouse, day))
    yield dg.MaterializeResult(
        asset_key=RULE_RESULTS, metadata=range_metadata({d: m[0] for d, m in by_date.items()})
    )
    yield dg.MaterializeResult(
        asset_key=RULE_FAILURES, metadata=range_metadata({d: m[1] for d, m in by_date.items()})
    )
    yield from range_checks({day: checks for day, (_, _, checks) in by_date.items()})


def _additional_check(results: pl.DataFrame) -> dg.AssetCheckResult:
    """One check for the expectations not declared up front (asset checks are fixed when the code
    location loads, before the config names its suite files) and for rules the config promotes to
    ERROR (declared non-blocking): passed when all of them pass, each
    rule's counts in the metadata, ERROR severity when a failing one is ERROR."""
    failing = results.filter(~pl.col("passed"))
    blocking = failing.filter(pl.col("severity") == "ERROR").height > 0
    return dg.AssetCheckResult(
        asset_key=RULE_RESULTS,
        check_name=ADDITIONAL_CHECK,
        passed=failing.is_empty(),
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        metadata={
            "rules": results["rule_id"].to_list(),
            "rules_failed": failing["rule_id"].to_list(),
            **{
                f"{row['rule_id']}": {
                    "failed": int(row["failed"]),
                    "evaluated": int(row["evaluated"]),
                    "passed": bool(row["passed"]),
                }
                for row in results.iter_rows(named=True)
            },
        },
    )
