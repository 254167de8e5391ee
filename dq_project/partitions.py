"""How every asset is partitioned, ordered and scheduled on Dagster (see docs/orchestration.md).

Daily snapshot partitions: key YYYY-MM-DD = the snapshot date of the exports. end_offset=1 makes
today's partition available, so a file exported today can be processed today.

The rest is what every asset declaration shares, so the ordering lives in the asset graph rather
than in locks around it:
- matching and golden records depend on their own previous partition (`previous_partition`):
  golden IDs carry over from the previous date, so a backfill may only run a date after the one
  before it. Dagster's asset backfill daemon reads that dependency and launches dates in order,
  whatever order they were requested in; the first partition (no previous one) still runs.
- `BACKFILL_POLICY`: a backfill is one run over the range (`single_run`), and every asset loops
  over the run's dates in date order (`snapshot_dates`), one date after the other, before the
  next asset starts. Matching and golden records read only their own previous date, which the
  loop has just written, so the order holds inside the run; a range shares one run set-up, one
  DuckDB bootstrap per asset and the loaded models instead of paying them per date.
- `WAREHOUSE_POOL`: every asset writes the one DuckDB file, which allows a single writer, so all of
  them share one concurrency pool, limited to 1 in the instance's dagster.yaml (dq_project.runner).
"""

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

import dagster as dg

T = TypeVar("T")

if TYPE_CHECKING:
    from dq_project.warehouse.resource import WarehouseResource

PARTITIONS_START = "2020-01-01"

daily_snapshots = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, end_offset=1)

BACKFILL_POLICY = dg.BackfillPolicy.single_run()
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


def snapshot_dates(context: dg.AssetExecutionContext) -> list[str]:
    """The run's partition keys in date order (YYYY-MM-DD sorts as dates): one for a daily run,
    the whole range for a backfill run."""
    return sorted(context.partition_keys)


def range_metadata(by_date: dict[str, dict]) -> dict:
    """The materialization metadata of a run: a one-date run keeps its date's metadata as it is;
    a range run records one materialization per date with the same metadata (Dagster's rule for
    a multi-partition run), so it keeps only what is true of the range: the summed row count and
    the dates. Per-date figures stay in the warehouse tables and each date's audit report."""
    if len(by_date) == 1:
        return next(iter(by_date.values()))
    rows = [m.get("dagster/row_count") for m in by_date.values()]
    first, last = min(by_date), max(by_date)
    metadata: dict = {"snapshot_dates": f"{first}..{last} ({len(by_date)} dates)"}
    if all(isinstance(r, int) for r in rows):
        metadata["dagster/row_count"] = sum(rows)
    return metadata


def each_date(
    context: dg.AssetExecutionContext, warehouse: "WarehouseResource", body: Callable[[str], T]
) -> dict[str, T]:
    """`body(date)` for every date of the run, in date order; {date: what it returned}.

    A date that fails stops the asset there: later dates are not processed (they would build on
    it). In a range run the error is annotated with the date, so the failure names it, and the
    dates share one warehouse connection (`WarehouseResource.sharing`)."""
    dates = snapshot_dates(context)
    done: dict[str, T] = {}
    with warehouse.sharing() if len(dates) > 1 else contextlib.nullcontext():
        for day in dates:
            try:
                done[day] = body(day)
            except Exception as exc:
                if len(dates) > 1:
                    exc.add_note(f"snapshot date {day} failed; later dates of the run were not processed")
                raise
    return done


def range_checks(by_date: dict[str, list[dg.AssetCheckResult]]) -> Iterator[dg.AssetCheckResult]:
    """One result per check for the run, from each date's results (Dagster allows one per check per
    run, also over a range).

    One date: its results as they are. A range: failed when the check failed on any date, at the
    worst severity among those dates; the metadata is that of the first failing date (else the last
    date), plus `checked_date` (which date it is), `snapshot_dates` and `dates_failed`. Every
    date's own outcome stays in quality.rule_results and its audit report."""
    if len(by_date) == 1:
        yield from next(iter(by_date.values()))
        return
    per_check: dict[str, list[tuple[str, dg.AssetCheckResult]]] = {}
    for day in sorted(by_date):
        for result in by_date[day]:
            per_check.setdefault(result.check_name, []).append((day, result))
    span = f"{min(by_date)}..{max(by_date)} ({len(by_date)} dates)"
    for name, results in per_check.items():
        failing = [(day, r) for day, r in results if not r.passed]
        day, shown = failing[0] if failing else results[-1]
        severity = shown.severity
        if any(r.severity == dg.AssetCheckSeverity.ERROR for _, r in failing):
            severity = dg.AssetCheckSeverity.ERROR
        yield dg.AssetCheckResult(
            asset_key=shown.asset_key,
            check_name=name,
            passed=not failing,
            severity=severity,
            description=shown.description,
            metadata={
                **shown.metadata,
                "checked_date": day,
                "snapshot_dates": span,
                "dates_failed": [d for d, _ in failing],
            },
        )
