"""Every asset key of the graph, in one place: asset modules name their inputs from here and never
import one another. Key = [schema, table] = the DuckDB table schema.table (house style)."""

import dagster as dg

CUSTOMER_ROWS = dg.AssetKey(["raw", "customer_rows"])
QUARANTINE = dg.AssetKey(["raw", "quarantine"])
STAGED_CUSTOMERS = dg.AssetKey(["staging", "customers"])
RULE_RESULTS = dg.AssetKey(["quality", "rule_results"])
RULE_FAILURES = dg.AssetKey(["quality", "rule_failures"])
KPI_HISTORY = dg.AssetKey(["quality", "kpi_history"])
PAIRS = dg.AssetKey(["matching", "pairs"])
CLUSTERS = dg.AssetKey(["matching", "clusters"])
REVIEW_QUEUE = dg.AssetKey(["matching", "review_queue"])
GOLDEN_CUSTOMERS = dg.AssetKey(["golden", "customers"])
PROVENANCE = dg.AssetKey(["golden", "provenance"])
