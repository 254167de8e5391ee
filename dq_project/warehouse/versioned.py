"""Versioned storage of the per-date matching and golden tables.

matching.pairs / clusters and golden.customers / provenance show a full state at every date they
were computed for, but a daily run changes a small part of it: storing a full copy per date made an
incremental run cost a third of a full one. Each of them is therefore a view over a `*_versions`
table (rows with valid_from / valid_to) and a table of dates. A writer puts the new state of some
keys in temp table `state_new` and calls replace_state: only rows that differ are written, at any
date (a backfill of an earlier date cuts versions around it and leaves the later dates alone).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dq_project.warehouse.sql import (
    BULK_WRITE_SETTINGS,
    query_sql,
    query_template,
    run_sql,
    run_template,
    session_settings,
)


@dataclass(frozen=True)
class VersionedTable:
    """A per-date view, its versions table, the table of its dates, and its key / value columns."""

    view: str
    versions: str
    dates: str
    key: tuple[str, ...]
    values: tuple[str, ...]

    def identifiers(self) -> dict[str, str]:
        """Template identifiers: names, key / value column lists, and key + value lists prefixed
        with the aliases the templates use (v_row, c_row, n_row)."""
        names = {"view": self.view, "versions": self.versions, "dates": self.dates}
        lists = {"key": ", ".join(self.key), "values": ", ".join(self.values)}
        rows = {f"{alias}_row": ", ".join(f"{alias}.{c}" for c in self.key + self.values) for alias in "vcn"}
        return names | lists | rows


PAIRS = VersionedTable(
    "matching.pairs", "matching.pair_versions", "matching.linked_dates",
    ("record_key_l", "record_key_r"),
    ("customer_type", "match_probability", "match_weight", "weights", "band"),
)  # fmt: skip
CLUSTERS = VersionedTable(
    "matching.clusters", "matching.cluster_versions", "matching.linked_dates",
    ("record_key",), ("customer_type", "cluster_key", "golden_id", "cluster_size", "component_key"),
)  # fmt: skip
GOLDEN = VersionedTable(
    "golden.customers", "golden.customer_versions", "golden.built_dates",
    ("golden_id",),
    ("customer_type", "name", "gender", "birth_date", "id_number", "company_name", "credit_code", "mobile",
     "phone", "email", "province", "city", "district", "address", "owner", "record_count", "sources",
     "updated_at", "implicit_record_id", "attributes", "given_name", "family_name", "postcode", "identifier"),
)  # fmt: skip
PROVENANCE = VersionedTable(
    "golden.provenance", "golden.provenance_versions", "golden.built_dates",
    ("golden_id", "field"), ("value", "source", "source_record_id", "rule", "candidates"),
)  # fmt: skip
TABLES = (PAIRS, CLUSTERS, GOLDEN, PROVENANCE)
# Dates tables and versions tables first, then the views on them (sql/<schema>/<name>.sql).
SCHEMA_FILES = (
    "matching/linked_dates", "golden/built_dates", "matching/pair_versions", "matching/cluster_versions",
    "golden/customer_versions", "golden/provenance_versions",
)  # fmt: skip
VIEW_FILES = ("matching/pairs", "matching/clusters", "golden/customers", "golden/provenance")


def ensure_versioned_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the versions and dates tables and the views; a warehouse written before versioned
    storage (a full table per date) is migrated first."""
    for name in SCHEMA_FILES:
        run_sql(con, name)
    for table, view_file in zip(TABLES, VIEW_FILES, strict=True):
        schema, name = table.view.split(".")
        kind = query_sql(con, "versions/select_table_type", schema_name=schema, table_name=name).fetchall()
        if kind == [("BASE TABLE",)]:
            run_template(con, "versions/migrate_table", table.identifiers())
        run_sql(con, view_file)


def replace_state(
    con: duckdb.DuckDBPyConnection,
    table: VersionedTable,
    as_of: str,
    *,
    full: bool,
    scope: tuple[str, ...] | None = None,
) -> int:
    """Make `table`'s state at `as_of` equal temp table `state_new` (the table's key and value
    columns) for the keys in temp table `state_scope`, or for every key when `full` (no
    state_scope then). state_scope holds the key columns, or the leading key columns `scope`: then
    every key starting with one of its rows is in scope (golden.provenance rebuilt by golden ID).
    The date must already be in the table's dates table. Consumes the temp tables; returns the
    number of versions written.

    A write step with nothing to write is skipped, not run: in DuckDB 1.4.4 an INSERT of zero
    rows followed, in the same transaction, by one of more than a row group into the same table
    loses the large insert's rows from view (tests/unit/test_versioned.py covers the case)."""
    if scope is not None and tuple(scope) != table.key[: len(scope)]:
        raise ValueError(f"scope {scope} is not a leading part of {table.view}'s key {table.key}")
    scope_columns = ", ".join(scope or table.key)
    identifiers = table.identifiers() | {"added": "state_added", "scope": scope_columns}
    if full:
        counts = query_template(con, "versions/select_covering_counts", identifiers, as_of_date=as_of)
        covering, new_rows = counts.row(0)
        if not covering:  # a first build at the date: every row is new (no copy, no comparison)
            run_template(con, "versions/prepare_first_state", identifiers, as_of_date=as_of)
            if new_rows:
                with session_settings(con, BULK_WRITE_SETTINGS):
                    run_template(
                        con, "versions/insert_added", identifiers | {"added": "state_new"}, as_of_date=as_of
                    )
            run_sql(con, "versions/drop_state")
            return new_rows
    prepare = "versions/prepare_full_state" if full else "versions/prepare_state"
    run_template(con, prepare, identifiers, as_of_date=as_of)
    counts = query_sql(con, "versions/select_state_counts", as_of_date=as_of).fetchall()
    ((changed, before, after, added),) = counts
    # the part after the date is copied before the changed version is ended or deleted
    steps = (("versions/insert_after_date", after), ("versions/end_before_date", before),
             ("versions/delete_changed", changed - before), ("versions/insert_added", added))  # fmt: skip
    for name, rows in steps:
        if rows:
            run_template(con, name, identifiers, as_of_date=as_of)
    run_sql(con, "versions/drop_state")
    return before + after + added


def store_state(con: duckdb.DuckDBPyConnection, table: VersionedTable, as_of: str, frame: object) -> None:
    """Write `frame` (a Polars / Arrow frame or DuckDB relation with the table's key and value
    columns) as the state of its keys at `as_of`, registering the date; other keys stay as they are."""
    run_template(con, "versions/insert_date", table.identifiers(), as_of_date=as_of)
    con.register("state_frame", frame)
    try:
        run_template(con, "versions/build_frame_state", table.identifiers())
        replace_state(con, table, as_of, full=False)
    finally:
        con.unregister("state_frame")
