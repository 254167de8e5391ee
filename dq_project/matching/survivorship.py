"""Survivorship rules per golden field (read by sql/golden/build_provenance.sql).

Among an entity's non-missing values for a field, a valid value (status ok / normalized) always
beats an invalid one; then the field's rule decides; then the more trusted source, the most recent
update and the smallest record key break ties. Rules:

- most_trusted_source: the source with the highest `trust` (dq.toml);
- most_recent: the most recently updated record;
- most_complete: the record with the most valid fields;
- most_frequent: the value most records of the entity agree on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import duckdb
import polars as pl

from dq_project.settings import Settings
from dq_project.sql import load_sql, query_sql, run_sql, run_template
from dq_project.versioned import GOLDEN, PROVENANCE, VersionedTable, replace_state

RULES = ("most_trusted_source", "most_recent", "most_complete", "most_frequent")
# Contact details change over time: the latest update is the best guess. Identity fields follow
# the most trusted system of record.
DEFAULT_RULES: dict[str, str] = {
    "customer_type": "most_trusted_source", "name": "most_trusted_source", "gender": "most_frequent",
    "birth_date": "most_trusted_source", "id_number": "most_trusted_source",
    "company_name": "most_trusted_source", "credit_code": "most_trusted_source", "mobile": "most_recent",
    "phone": "most_recent", "email": "most_recent", "province": "most_recent", "city": "most_recent",
    "district": "most_recent", "address": "most_recent", "owner": "most_recent",
}  # fmt: skip


def survivorship_rules(overrides: Mapping[str, str] | None = None) -> pl.DataFrame:
    """field, rule for every golden field: DEFAULT_RULES updated with `overrides` (validated)."""
    rules = {**DEFAULT_RULES, **(overrides or {})}
    unknown_fields = sorted(set(rules) - set(DEFAULT_RULES))
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
) -> None:
    """Rebuild golden.provenance and golden.customers of a date (only `golden_ids` when given: then
    only on a date that has golden records, and the date keeps its settings fingerprint).

    `fast=False` ranks single-record entities too (same result, slower; for tests and the bench).
    The caller owns the transaction."""
    trust = pl.DataFrame(
        {"source": [s.name for s in settings.sources], "trust": [s.trust for s in settings.sources]}
    )
    rules = survivorship_rules(settings.golden.survivorship)
    ids = list(golden_ids) if golden_ids is not None else None
    if ids is not None and not query_sql(con, "golden/select_built_date", as_of_date=as_of).fetchall():
        return  # no golden records on that date to correct
    con.register("source_trust", trust.to_arrow())
    con.register("field_rules", rules.to_arrow())
    try:
        if ids is None:
            fingerprint = golden_fingerprint(trust, rules)
            run_sql(con, "golden/insert_built_date", as_of_date=as_of, fingerprint=fingerprint)
        run_sql(con, "golden/build_provenance", as_of_date=as_of, golden_ids=ids, single_fast_path=fast)
        _replace(con, PROVENANCE, as_of, ids)
        run_sql(con, "golden/build_customers", as_of_date=as_of, golden_ids=ids)
        _replace(con, GOLDEN, as_of, ids)
    finally:
        con.unregister("source_trust")
        con.unregister("field_rules")


def _replace(
    con: duckdb.DuckDBPyConnection, table: VersionedTable, as_of: str, ids: list[str] | None
) -> None:
    """Store state_new as the table's state at the date: all of it, or the rows of `ids`."""
    if ids is not None:
        run_template(con, "golden/build_scope", table.identifiers(), as_of_date=as_of, golden_ids=ids)
    replace_state(con, table, as_of, full=ids is None)


def golden_fingerprint(trust: pl.DataFrame, rules: pl.DataFrame) -> str:
    """A digest of what golden records depend on besides the data: source trust, the field rules
    and the survivorship SQL (a build under another fingerprint cannot reuse earlier records)."""
    digest = hashlib.sha256()
    for frame in (trust.sort("source"), rules.sort("field")):
        digest.update(frame.write_csv().encode())
    for name in ("golden/build_provenance", "golden/build_customers"):
        digest.update(load_sql(name).encode())
    return digest.hexdigest()
