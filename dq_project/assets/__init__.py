"""The asset graph, one module per warehouse schema; thin wrappers over the plain modules."""

from dq_project.assets import audit, golden, matching, quality, raw, staging

ALL_ASSETS = [
    raw.customer_rows,
    staging.customers,
    quality.rule_results,
    matching.entity_resolution,
    golden.golden_customers,
    audit.kpi_history,
    audit.report,
]
