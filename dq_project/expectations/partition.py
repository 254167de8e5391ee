"""Validate one staged partition and store its rule results, failures and counts: in full, or
incrementally from the previous validated date (dq_project.expectations.incremental).

Both paths write the same quality.rule_results and quality.rule_failures (test_incremental_rules);
each also stores GX's counts with the partition's checksum (quality.rule_counts), which the next
date starts from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from dq_project.expectations import incremental
from dq_project.expectations.locality import split_rules
from dq_project.expectations.runner import (
    FAILURE_SCHEMA,
    RuleRun,
    results_frame,
    run_rules,
)
from dq_project.expectations.staged import read_staged, rule_columns, with_row_locator
from dq_project.expectations.suite import Rule
from dq_project.warehouse.sql import query_frame, query_sql, run_sql


@dataclass
class PartitionRun:
    """What the asset reports of one validated date: the results (one row per rule), how many
    failures were stored, each rule's first failing values (masked, in row order), the GX validation
    for Data Docs, and how the date was validated (`full`, or `incremental from <date>`) and why."""

    results: pl.DataFrame
    failure_count: int
    samples: dict[str, list[str]]
    validation: Any
    mode: str
    reason: str = ""
    changed_rows: int = field(default=0)


def validate_partition(
    con: duckdb.DuckDBPyConnection,
    snapshot_date: str,
    rules: list[Rule],
    *,
    run_id: str,
    code_version: str,
    per_rule: int,
    runner: Callable[..., RuleRun] = run_rules,
    incremental_ok: bool = True,
) -> PartitionRun:
    """Validate `snapshot_date`'s staged partition against `rules` and store the results; with
    `incremental_ok` (the DuckDB engine, `[validation] incremental`), from the previous date when
    `incremental.plan` allows."""
    available = [name for (name,) in query_sql(con, "staging/customer_columns").fetchall()]
    columns = incremental.state_columns(rules, available)
    print_ = incremental.fingerprint(rules, columns, code_version)
    reason = "incremental validation is off" if not incremental_ok else "no row-local rule"
    try:
        if incremental_ok and split_rules(rules)[0]:
            chosen = incremental.plan(con, snapshot_date, rules, columns, print_)
            if isinstance(chosen, incremental.Plan):
                try:
                    return _incremental(
                        con, snapshot_date, rules, chosen, run_id, print_, per_rule, available
                    )
                except _SubsetRefused as refused:
                    chosen = f"GX could not validate the changed rows alone ({refused})"
            reason = chosen
    finally:
        run_sql(con, "quality/drop_rule_row_hashes")
    return _full(con, snapshot_date, rules, run_id, print_, per_rule, columns, runner, reason, incremental_ok)


def _gx_counts(run: RuleRun) -> incremental.Counts:
    elements = (
        {
            r.expectation_config.meta["rule_id"]: int(r.result.get("element_count") or 0)
            for r in run.validation.results
        }
        if run.validation is not None
        else {}
    )
    return {
        row["rule_id"]: (elements.get(row["rule_id"], 0), row["evaluated"], row["failed"])
        for row in run.results.iter_rows(named=True)
    }


class _SubsetRefused(RuntimeError):
    """GX raised on a frame of changed rows that a whole partition would not have made it raise: a
    custom expectation judging null values (not_dummy_mobile reads a nulled mobile's reason) can count
    more unexpected than non-null rows, which GX refuses as a percentage over 100."""


def _validated(frame: pl.DataFrame, rules: list[Rule], as_of: dt.date) -> RuleRun | None:
    """GX's run of `rules` over `frame` (rows located), None when there is nothing to run."""
    if not rules or frame.is_empty():
        return None
    try:
        return run_rules(with_row_locator(frame), rules, as_of)
    except RuntimeError as exc:  # the date is then validated in full, where a real error shows
        raise _SubsetRefused(str(exc).splitlines()[0]) from exc


def _full(
    con, snapshot_date, rules, run_id, print_, per_rule, columns, runner, reason, keep_state
) -> PartitionRun:
    staged = with_row_locator(read_staged(con, snapshot_date, rules))
    run = runner(staged, rules, dt.date.fromisoformat(snapshot_date))
    samples = {
        rule_id: part.head(per_rule)["value_masked"].cast(pl.String).to_list()
        for (rule_id,), part in run.failures.group_by("rule_id", maintain_order=True)
    }
    state = None
    if keep_state:  # GX's counts, for the next date (the DuckDB engine's validation)
        state = (*incremental.partition_checksum(con, snapshot_date, columns), _gx_counts(run))
    _write(con, snapshot_date, run_id, run.results, _with_keys(run, staged), print_, state)
    return PartitionRun(
        run.results, run.failures.height, samples, run.validation, "full", reason, staged.height
    )


def _with_keys(run: RuleRun, staged: pl.DataFrame) -> pl.DataFrame:
    keys = staged.select("record_key", "source", "source_record_id").unique("record_key", keep="first")
    return run.failures.join(run.results.select("rule_id", "severity"), on="rule_id", how="left").join(
        keys, on="record_key", how="left"
    )


def _incremental(con, snapshot_date, rules, plan, run_id, print_, per_rule, available) -> PartitionRun:
    local, others = split_rules(rules)
    day, before = dt.date.fromisoformat(snapshot_date), plan.previous_date
    wanted = rule_columns(local, available)
    new_rows = with_row_locator(incremental.changed_rows(con, snapshot_date, wanted))
    new = _validated(new_rows, local, day)
    old = _validated(incremental.changed_rows(con, str(before), wanted), local, before)
    counts = incremental.merged_counts(
        {r.id: plan.previous[r.id] for r in local},
        _gx_counts(old) if old else {},
        _gx_counts(new) if new else {},
    )
    by_id = {rule.id: rule for rule in rules}
    verdicts = {i: (e, f, incremental.verdict(by_id[i], e, f)) for i, (_, e, f) in counts.items()}
    whole_rows = with_row_locator(read_staged(con, snapshot_date, others)) if others else None
    whole = run_rules(whole_rows, others, day) if others and not whole_rows.is_empty() else None
    if whole is not None:
        counts |= _gx_counts(whole)
        verdicts |= {
            r["rule_id"]: (r["evaluated"], r["failed"], r["passed"]) for r in whole.results.to_dicts()
        }
    for rule in others:  # no staged row at all (cannot happen after plan): GX's empty verdict
        verdicts.setdefault(rule.id, (0, 0, True))
        counts.setdefault(rule.id, (0, 0, 0))
    results = results_frame(rules, verdicts)
    parts = [_with_keys(run, rows) for run, rows in ((new, new_rows), (whole, whole_rows)) if run is not None]
    failures = pl.concat(parts) if parts else None
    _write(
        con,
        snapshot_date,
        run_id,
        results,
        failures,
        print_,
        (plan.rows, plan.checksum, counts),
        copy_from=(before, [r.id for r in local]),
    )
    (stored,) = query_sql(con, "quality/count_rule_failures", snapshot_date=snapshot_date).fetchone()
    validation = None
    if base := next((run.validation for run in (whole, new, old) if run is not None), None):
        from dq_project.expectations.datadocs import merged_validation  # imports GX's renderers

        merged = {rule_id: (*counts[rule_id], verdicts[rule_id][2]) for rule_id in counts}
        validation = merged_validation(base, rules, merged, whole_run=whole is not None)
    return PartitionRun(
        results,
        int(stored),
        _samples(con, snapshot_date, per_rule),
        validation,
        f"incremental from {before}",
        "",
        plan.changed_today + plan.changed_before,
    )


def _write(con, snapshot_date, run_id, results, failures, print_, state, copy_from=None) -> None:
    """Replace the date's results, failures and counts in one transaction; with `copy_from`
    (previous date, row-local rule ids), the unchanged records' failures are copied forward."""
    con.begin()
    run_sql(con, "quality/delete_rule_results_partition", snapshot_date=snapshot_date)
    con.register("rule_results_frame", results.to_arrow())
    con.register("rule_failures_frame", (failures if failures is not None else _no_failures()).to_arrow())
    run_sql(con, "quality/insert_rule_results", snapshot_date=snapshot_date, run_id=run_id)
    con.unregister("rule_results_frame")
    con.unregister("rule_failures_frame")
    if copy_from is not None:
        run_sql(
            con,
            "quality/copy_unchanged_failures",
            snapshot_date=snapshot_date,
            run_id=run_id,
            previous_date=str(copy_from[0]),
            rule_ids=copy_from[1],
        )
    if state is not None:
        rows, checksum, counts = state
        frame = pl.DataFrame(
            [(i, e, v, f) for i, (e, v, f) in counts.items()],
            schema={
                "rule_id": pl.String,
                "element_count": pl.Int64,
                "evaluated": pl.Int64,
                "failed": pl.Int64,
            },
            orient="row",
        )
        con.register("rule_counts_frame", frame.to_arrow())
        run_sql(
            con,
            "quality/insert_rule_counts",
            snapshot_date=snapshot_date,
            fingerprint=print_,
            partition_rows=rows,
            partition_checksum=checksum,
        )
        con.unregister("rule_counts_frame")
    con.commit()


def _no_failures() -> pl.DataFrame:
    schema = {**FAILURE_SCHEMA, "severity": pl.String, "source": pl.String, "source_record_id": pl.String}
    return pl.DataFrame(schema=schema)


def _samples(con: duckdb.DuckDBPyConnection, snapshot_date: str, per_rule: int) -> dict[str, list[str]]:
    frame = query_frame(con, "quality/select_rule_samples", snapshot_date=snapshot_date, per_rule=per_rule)
    return {
        rule_id: part["value_masked"].to_list()
        for (rule_id,), part in frame.group_by("rule_id", maintain_order=True)
    }
