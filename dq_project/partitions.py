"""How every asset is partitioned, ordered and scheduled on Dagster (see docs/orchestration.md).

Daily snapshot partitions: key YYYY-MM-DD = the snapshot date of the exports. end_offset=1 makes
today's partition available, so a file exported today can be processed today.

The rest is what every asset declaration shares, so the ordering lives in the asset graph rather
than in locks around it:
- matching and golden records depend on their own previous partition (`previous_partition`):
  golden IDs carry over from the previous date, so a backfill may only run a date after the one
  before it. Dagster's asset backfill daemon reads that dependency and launches dates in order,
  whatever order they were requested in; the first partition (no previous one) still runs.
- `BACKFILL_POLICY`: one date per run; with the self-dependency those runs are ordered.
- `WAREHOUSE_POOL`: every asset writes the one DuckDB file, which allows a single writer, so all of
  them share one concurrency pool, limited to 1 in the instance's dagster.yaml (dq_project.runner).
"""

import dagster as dg

PARTITIONS_START = "2020-01-01"

daily_snapshots = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, end_offset=1)

BACKFILL_POLICY = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)
WAREHOUSE_POOL = "dq_warehouse"
OWNERS = ["team:data-quality"]

CODE_VERSIONS = {"staging": "1", "quality": "1", "matching": "1", "golden": "1"}
"""Dagster code versions of the assets whose code decides their results (normalization, the rule
suite, linkage, survivorship): bump one when a change alters what its asset writes, and the UI marks
its materialized partitions, and everything downstream, as stale. They mark code changes only; the
hand-written fingerprints of incremental linkage (dq_project.matching.incremental) and golden builds
(dq_project.golden.survivorship.golden_fingerprint) stay, since they cover what a code version
cannot: the trained models, the config's settings and the SQL, read at run time."""


def previous_partition(key: dg.AssetKey) -> dg.AssetDep:
    """A dependency of `key` on its own partition of the day before."""
    return dg.AssetDep(key, partition_mapping=dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1))


def declaration() -> dict:
    """The keyword arguments every dq asset decorator shares: partitions, backfill policy, pool."""
    return {
        "partitions_def": daily_snapshots,
        "backfill_policy": BACKFILL_POLICY,
        "pool": WAREHOUSE_POOL,
    }
