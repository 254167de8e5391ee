"""Incremental rule results: a date whose staged rows mostly equal the previous date's is validated
in proportion to the rows that changed, not the partition.

For a row-local rule (dq_project.expectations.locality) GX's counts are sums over rows, so the date's
counts are the previous validated date's counts, minus GX's counts on the old versions of the changed
and removed rows, plus GX's counts on the new and changed rows; pass/fail is GX's `mostly` test on
the merged counts (`verdict`), and an unchanged record's failures are copied forward in SQL. A row is
unchanged when its record key exists on both dates and the hash of every column the row-local rules
read (not the date, load and row number a copied row does not keep) is equal. A between rule with a
`$PARAMETER` bound (the snapshot date, the staleness cutoff) is row-local too: the unchanged rows
whose value lies between the bound's value on the two dates count as changed (validated again on
both dates, each with its own parameters; the other rows keep their verdict). Cross-row rules
(uniqueness, one name per key) run on the whole partition, over their own columns only.

The shortcut is taken only when it is provably the full run's result (`plan` gives the reason when
not): an earlier validated date exists; its counts were made by the same suite, configuration, code
and libraries (`fingerprint`) over a staged partition that is still the one validated (row count and
checksum: an erasure or a re-staging since changes them); record keys are unique on both dates; and
fewer rows changed than the partition holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import json
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

import duckdb
import polars as pl

from dq_project.expectations.locality import PER_DATE_COLUMNS, parameter_bounds, split_rules
from dq_project.expectations.staged import rule_columns
from dq_project.expectations.suite import Rule, suite_parameters
from dq_project.warehouse.sql import query_frame, run_sql, run_template, sql_code

# What decides a rule's outcome besides its configuration: dq's code that runs and reports rules and
# the libraries whose data or semantics it reads (divisions from stdnum, area codes from phonenumbers).
_CODE = (
    "dq_project.expectations.custom.area_codes",
    "dq_project.expectations.custom.columns",
    "dq_project.expectations.custom.content",
    "dq_project.expectations.custom.partials",
    "dq_project.expectations.custom.relations",
    "dq_project.expectations.custom.validity",
    "dq_project.expectations.incremental",
    "dq_project.expectations.locality",
    "dq_project.expectations.partition",
    "dq_project.expectations.reasons",
    "dq_project.expectations.rowfilter",
    "dq_project.expectations.runner",
    "dq_project.expectations.staged",
    "dq_project.governance.masking",
    "dq_project.normalize.comparable",
    "dq_project.normalize.name_keys",
    "dq_project.normalize.places",
    "dq_project.normalize.clean",
    "dq_project.normalize.divisions",
)
_LIBRARIES = ("great_expectations", "phonenumbers", "python-stdnum", "pypinyin", "polars", "pandas")
_SQL = (
    "quality/hash_rule_rows",
    "quality/insert_boundary_keys",
    "quality/copy_unchanged_failures",
    "quality/select_partition_checksum",
)
Counts = dict[str, tuple[int, int, int]]
"""Per rule id: GX's element count, the evaluated rows and the failed rows."""


@dataclass
class Plan:
    """An incremental validation of a date: the previous validated date and its counts, the date's
    partition row count and checksum, and how many rows of each date are validated again."""

    previous_date: dt.date
    previous: Counts
    rows: int
    checksum: str
    changed_today: int
    changed_before: int


def state_columns(rules: list[Rule], available: list[str]) -> list[str]:
    """The columns whose values decide the row-local rules' outcomes and failure rows."""
    local, _ = split_rules(rules)
    return [c for c in rule_columns(local, available) if c not in PER_DATE_COLUMNS]


def fingerprint(rules: list[Rule], columns: list[str], code_version: str) -> str:
    """Everything besides the rows that decides the stored results: every rule's configuration and
    report fields, the hashed columns, the quality code version, dq's rule code and SQL, and the
    versions of the libraries that judge values."""
    digest = hashlib.sha256()
    rule_dicts = [
        {k: dict(v) if k in ("kwargs", "params") else v for k, v in r.__dict__.items()} for r in rules
    ]
    digest.update(json.dumps([rule_dicts, columns, code_version], sort_keys=True, default=str).encode())
    digest.update(_code_digest().encode())
    return digest.hexdigest()[:24]


@functools.cache
def _code_digest() -> str:
    """Digest of dq's rule code and SQL and the libraries' versions, read once per process: the code
    this process runs (a file edited under a running process does not change its fingerprint)."""
    digest = hashlib.sha256()
    for name in _CODE:
        digest.update(inspect.getsource(import_module(name)).encode())
    for name in _SQL:
        digest.update(sql_code(name).encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.hexdigest()


def partition_checksum(
    con: duckdb.DuckDBPyConnection, snapshot_date: str, columns: list[str]
) -> tuple[int, str]:
    """(rows, checksum) of a staged partition over `columns` (stored with a full run's counts)."""
    frame = query_frame(
        con, "quality/select_partition_checksum", columns=columns, snapshot_date=snapshot_date
    )
    return int(frame["partition_rows"][0]), str(frame["partition_checksum"][0])


def plan(
    con: duckdb.DuckDBPyConnection, snapshot_date: str, rules: list[Rule], columns: list[str], print_: str
) -> Plan | str:
    """The incremental plan of `snapshot_date`, or why the date is validated in full. Leaves the
    temp tables of quality/hash_rule_rows for the caller (drop_rule_row_hashes)."""
    previous = query_frame(con, "quality/select_previous_rule_counts", snapshot_date=snapshot_date)
    if previous.is_empty():
        return "no earlier validated date"
    previous_date = previous["snapshot_date"][0]
    if set(previous["fingerprint"]) != {print_} or set(previous["rule_id"]) != {r.id for r in rules}:
        return f"the suite, its configuration or the code changed since {previous_date}"
    run_sql(
        con,
        "quality/hash_rule_rows",
        columns=columns,
        snapshot_date=snapshot_date,
        previous_date=str(previous_date),
    )
    if moved := _add_boundary_rows(con, snapshot_date, previous_date, rules):
        return moved
    stats = {
        row["snapshot_date"]: row for row in query_frame(con, "quality/select_rule_row_stats").to_dicts()
    }
    today, before = stats.get(dt.date.fromisoformat(snapshot_date)), stats.get(previous_date)
    first = previous.row(0, named=True)
    if before is None or (before["partition_rows"], before["partition_checksum"]) != (
        first["partition_rows"],
        first["partition_checksum"],
    ):
        return f"the staged partition of {previous_date} changed since it was validated"
    if today is None:
        return "nothing staged"
    if today["keyed"] != today["keys"] or before["keyed"] != before["keys"]:
        return "a record key repeats within a date"
    if today["changed"] + before["changed"] >= today["partition_rows"]:
        return "most rows changed"
    counts = {r["rule_id"]: (r["element_count"], r["evaluated"], r["failed"]) for r in previous.to_dicts()}
    return Plan(
        previous_date,
        counts,
        today["partition_rows"],
        today["partition_checksum"],
        today["changed"],
        before["changed"],
    )


def _add_boundary_rows(con, snapshot_date: str, previous_date: dt.date, rules: list[Rule]) -> str | None:
    """Add to rule_changed_keys the unchanged rows a parameterised bound may judge differently on the
    two dates (between its value on each); the reason to validate in full when a bound is not a
    point in time."""
    local, _ = split_rules(rules)
    today = suite_parameters(local, dt.date.fromisoformat(snapshot_date))
    before = suite_parameters(local, previous_date)
    for rule in local:
        for _, name in parameter_bounds(rule):
            old, new = before.get(name), today.get(name)
            if not isinstance(old, dt.date) or not isinstance(new, dt.date):
                return f"rule {rule.id}: parameter {name} is not a date"
            run_template(
                con,
                "quality/insert_boundary_keys",
                {"column": rule.kwargs["column"]},
                snapshot_date=snapshot_date,
                low=min(old, new),
                high=max(old, new),
            )
    return None


def changed_rows(con: duckdb.DuckDBPyConnection, snapshot_date: str, columns: list[str]) -> pl.DataFrame:
    """The rows of `snapshot_date` to validate again (after `plan`), sorted as read_staged sorts."""
    frame = query_frame(con, "quality/select_changed_rule_rows", columns=columns, snapshot_date=snapshot_date)
    return frame.sort("source", "load_id", "row_number", nulls_last=True, maintain_order=True)


def merged_counts(previous: Counts, old: Counts, new: Counts) -> Counts:
    """previous - old + new, per rule id of `previous` (a missing side counts 0)."""
    zero = (0, 0, 0)
    return {
        rule_id: tuple(
            p - o + n for p, o, n in zip(counts, old.get(rule_id, zero), new.get(rule_id, zero), strict=True)
        )
        for rule_id, counts in previous.items()
    }


def verdict(rule: Rule, evaluated: int, failed: int) -> bool:
    """GX's pass/fail of a map expectation from its counts: vacuously true on no evaluated row, else
    (evaluated - failed) / evaluated >= mostly (GX's `_mostly_success`; `evaluated` is the
    denominator GX uses: the non-null rows, or every row of the domain for not-null and
    one-filled-among)."""
    if evaluated == 0:
        return True
    mostly = rule.expectation()["kwargs"]["mostly"]
    return (float(evaluated) - float(failed)) / float(evaluated) >= mostly
