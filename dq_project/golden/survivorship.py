"""Survivorship rules per golden field (read by sql/golden/build_provenance.sql).

Among an entity's non-missing values for a field, a valid value (status ok / normalized) always
beats an invalid one; then the field's rule decides; then the more trusted source, the most recent
update and the smallest record key break ties. Rules:

- most_trusted_source: the source with the highest `trust` (dq.toml);
- most_recent: the most recently updated record;
- most_complete: the record with the most valid fields;
- most_frequent: the value most records of the entity agree on.

Attributes (values beyond the canonical fields) survive per key the same way, with rule
'attributes.<key>' or 'attributes' (default most_recent): sql/golden/build_attributes.sql.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence

import duckdb
import polars as pl

from dq_project.settings import Settings
from dq_project.warehouse.sql import query_frame, query_sql, run_sql, sql_code
from dq_project.warehouse.versioned import GOLDEN, PROVENANCE, VersionedTable, replace_state

RULES = ("most_trusted_source", "most_recent", "most_complete", "most_frequent")
# Contact details change over time: the latest update is the best guess. Identity fields follow
# the most trusted system of record.
DEFAULT_RULES: dict[str, str] = {
    "customer_type": "most_trusted_source", "name": "most_trusted_source", "gender": "most_frequent",
    "birth_date": "most_trusted_source", "id_number": "most_trusted_source",
    "company_name": "most_trusted_source", "credit_code": "most_trusted_source", "mobile": "most_recent",
    "phone": "most_recent", "email": "most_recent", "province": "most_recent", "city": "most_recent",
    "district": "most_recent", "address": "most_recent", "owner": "most_recent",
    "given_name": "most_trusted_source", "family_name": "most_trusted_source", "postcode": "most_recent",
    "identifier": "most_trusted_source",
}  # fmt: skip


def survivorship_rules(overrides: Mapping[str, str] | None = None) -> pl.DataFrame:
    """field, rule for every golden field: DEFAULT_RULES updated with `overrides` (validated)."""
    rules = {**DEFAULT_RULES, **(overrides or {})}
    # attributes: 'attributes' (all of them, default most_recent) or 'attributes.<key>' (one)
    unknown_fields = sorted(f for f in set(rules) - set(DEFAULT_RULES) if f.split(".")[0] != "attributes")
    unknown_rules = sorted({r for r in rules.values() if r not in RULES})
    if unknown_fields or unknown_rules:
        raise ValueError(
            f"survivorship: unknown fields {unknown_fields} (known: {sorted(DEFAULT_RULES)}) or "
            f"rules {unknown_rules} (known: {RULES})"
        )
    return pl.DataFrame({"field": list(rules), "rule": list(rules.values())})


def build_golden(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    as_of: str,
    golden_ids: Sequence[str] | None = None,
    *,
    fast: bool = True,
    new_date: bool = False,
    own_transaction: bool = False,
) -> None:
    """Rebuild golden.provenance and golden.customers of a date: all of it, or only `golden_ids`.

    A full build records the date with the settings fingerprint, and so does a scoped one with
    `new_date` (an incremental build); any other scoped build corrects a date that has golden
    records (erasure) and keeps its fingerprint, and does nothing on a date without them.
    `fast=False` ranks single-record entities too (same result, slower; for tests and the bench).

    The caller owns the transaction, unless `own_transaction`: then call it outside one. The new
    rows are computed first, in autocommit mode, and only the writes run in a transaction of their
    own: DuckDB 1.4 has no statistics for temp tables created inside a transaction and scans them
    slower (at 1M records the full build's members, provenance and customers took 19 s inside a
    transaction, about 15 s outside)."""
    trust, rules = _trust(settings), survivorship_rules(settings.golden.survivorship)
    scoped = golden_ids is not None
    if (
        scoped
        and not new_date
        and not query_sql(con, "golden/select_built_date", as_of_date=as_of).fetchall()
    ):
        return  # no golden records on that date to correct
    scope = pl.DataFrame({"golden_id": list(golden_ids or [])}, schema={"golden_id": pl.String})
    frames = {"source_trust": trust, "field_rules": rules, "golden_scope": scope}
    for name, frame in frames.items():
        con.register(name, frame.to_arrow())
    try:
        run_sql(con, "golden/build_members", as_of_date=as_of, scoped=scoped)
        run_sql(con, "golden/build_provenance", as_of_date=as_of, single_fast_path=fast)
        run_sql(con, "golden/build_attributes")
        run_sql(con, "golden/build_customers", single_fast_path=fast)
        run_sql(con, "golden/attach_attributes")
        if own_transaction:
            con.begin()
        try:
            if new_date or not scoped:
                fingerprint = golden_fingerprint(trust, rules)
                run_sql(con, "golden/insert_built_date", as_of_date=as_of, fingerprint=fingerprint)
            _replace(con, PROVENANCE, as_of, scoped)
            run_sql(con, "golden/take_customers")
            _replace(con, GOLDEN, as_of, scoped)
            if own_transaction:
                con.commit()
        except BaseException:
            if own_transaction:
                con.rollback()
            raise
    finally:
        for name in frames:
            con.unregister(name)


def build_golden_incrementally(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: str, *, full: bool = False
) -> tuple[str, int | None]:
    """The golden asset's build: ("incremental", entities rebuilt) when the previous build used the
    same settings and no later date is built, rebuilding only the entities that can have changed
    since (golden/select_scope); else ("full", None). Call it outside a transaction: it writes in
    one of its own (see build_golden)."""
    trust, rules = _trust(settings), survivorship_rules(settings.golden.survivorship)
    fingerprint = golden_fingerprint(trust, rules)
    basis = query_sql(con, "golden/select_previous_build", as_of_date=as_of).fetchall()
    if full or not basis or basis[0][1] != fingerprint or basis[0][2] > dt.date.fromisoformat(as_of):
        build_golden(con, settings, as_of, own_transaction=True)
        return "full", None
    previous_date = basis[0][0]
    dates = {"as_of_date": as_of, "previous_date": previous_date}
    changed = query_frame(con, "matching/select_changed_records", **dates)
    con.register("changed_frame", changed.to_arrow())
    ids = query_sql(con, "golden/select_scope", **dates).pl()["golden_id"].to_list()
    con.unregister("changed_frame")
    build_golden(con, settings, as_of, ids, new_date=True, own_transaction=True)
    return "incremental", len(ids)


def _trust(settings: Settings) -> pl.DataFrame:
    sources = settings.sources
    return pl.DataFrame({"source": [s.name for s in sources], "trust": [s.trust for s in sources]})


def _replace(con: duckdb.DuckDBPyConnection, table: VersionedTable, as_of: str, scoped: bool) -> None:
    """Store state_new as the table's state at the date: all of it, or the rows of `golden_scope`."""
    if scoped:
        run_sql(con, "golden/build_scope")
    replace_state(con, table, as_of, full=not scoped, scope=("golden_id",) if scoped else None)


def golden_fingerprint(trust: pl.DataFrame, rules: pl.DataFrame) -> str:
    """A digest of what golden records depend on besides the data: source trust, the field rules
    and the survivorship SQL, comments aside (a build under another fingerprint cannot reuse
    earlier records)."""
    digest = hashlib.sha256()
    for frame in (trust.sort("source"), rules.sort("field")):
        digest.update(frame.write_csv().encode())
    for name in ("golden/build_members", "golden/build_provenance", "golden/build_attributes",
                 "golden/build_customers", "golden/attach_attributes"):  # fmt: skip
        digest.update(sql_code(name).encode())
    return digest.hexdigest()
