"""Erasure on request (PIPL / GDPR): remove one source record from every table of the warehouse.

`erase_record` deletes the record's raw rows, staged versions, rule failures, pairs, review-queue
rows, cluster memberships, steward decisions naming it and golden provenance; quarantined lines that
name its key or quote its identifying values lose their text; the audit log stops naming its key.
Entities that keep other records are re-survived by the golden SQL; an entity left without records
is logged as 'erased' in matching.golden_id_changes. A tombstone (a salted hash of the record key,
raw.erasures) makes every later load skip the record (`skip_erased_rows`). One transaction; the log
row ('erasure') holds the hash and the counts per table, never the values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

from dq_project.golden.survivorship import build_golden
from dq_project.governance.audit_log import log_event
from dq_project.governance.tombstones import write_ledger
from dq_project.settings import Settings, SourceSettings
from dq_project.sources.mapping_spec import json_pointer
from dq_project.warehouse.sql import query_sql, run_sql
from dq_project.warehouse.versioned import CLUSTERS, replace_state

# Fields whose values single out a customer (names do not): quarantined lines quoting them are redacted.
IDENTIFYING_FIELDS = ("id_number", "credit_code", "mobile", "phone", "email")
# Per schema, the statements that remove the record (sql/<schema>/erase_record.sql).
ERASE_STEPS = ("raw/erase_record", "staging/erase_record", "quality/erase_record", "matching/erase_record")


class ErasureError(RuntimeError):
    """The erasure could not be completed; nothing was changed."""


@dataclass(frozen=True)
class ErasureOutcome:
    source: str
    key_hash: str
    rows: dict[str, int]  # table -> rows removed (quarantine: lines redacted)
    golden_recomputed: list[str]
    golden_retired: list[str]
    files: list[str] = field(default_factory=list)  # landed files that still hold the record
    dates: list[dt.date] = field(default_factory=list)  # snapshot dates touched (reports re-rendered)
    already_erased: bool = False
    event_id: str | None = None

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _params(source: SourceSettings, source_record_id: str) -> dict[str, object]:
    columns = sorted({c for f in IDENTIFYING_FIELDS for c in source.mapped_columns(f)})
    return {
        "source": source.name,
        "source_record_id": source_record_id,
        "record_key": f"{source.name}:{source_record_id}",
        "key_pointer": json_pointer(source.primary_key),
        "value_pointers": [json_pointer(c) for c in columns],
    }


def footprint(
    con: duckdb.DuckDBPyConnection, source: SourceSettings, source_record_id: str
) -> dict[str, int]:
    """Rows per table that hold the record now (builds the erasure's temp tables)."""
    params = _params(source, source_record_id)
    run_sql(con, "raw/build_erasure_targets", **params)
    return dict(query_sql(con, "audit/select_erasure_footprint", **params).fetchall())


def erase_record(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source_name: str,
    source_record_id: str,
    *,
    dry_run: bool = False,
) -> ErasureOutcome:
    """Erase one source record everywhere, in one transaction (see the module docstring).

    Idempotent: erasing it again finds nothing, keeps the tombstone and logs a zero-count erasure.
    With `dry_run`, reports what would go and changes nothing.
    """
    source = settings.source(source_name)
    source_record_id = source_record_id.strip()
    if not source_record_id:
        raise ErasureError("an erasure needs a non-empty source record id")
    params = _params(source, source_record_id)
    con.begin()
    try:
        ((key_hash, already),) = query_sql(con, "raw/select_erasure_hash", **params).fetchall()
        rows = footprint(con, source, source_record_id)
        entities = query_sql(con, "golden/select_erasure_entities").fetchall()
        files = [f"{s}/{name}" for s, name in query_sql(con, "raw/select_erasure_files").fetchall()]
        dates = [d for (d,) in query_sql(con, "raw/select_erasure_dates").fetchall()]
        rebuild: dict[dt.date, list[str]] = defaultdict(list)
        for as_of, golden_id, _ in entities:
            rebuild[as_of].append(golden_id)
        recomputed = sorted({g for _, g, remaining in entities if remaining})
        retired = sorted({g for _, g, _ in entities} - set(recomputed))
        outcome = ErasureOutcome(source.name, key_hash, rows, recomputed, retired, files, dates, already)
        if dry_run:
            con.rollback()
            return outcome
        _remove(con, settings, params, rebuild)
        left = {t: n for t, n in footprint(con, source, source_record_id).items() if n}
        if left:
            raise ErasureError(f"rows still hold the record after erasure: {left}")
        event_id = log_event(
            con,
            "erasure",
            target=source.name,
            details={
                "key_hash": key_hash,
                "rows": rows,
                "golden_recomputed": len(recomputed),
                "golden_retired": len(retired),
                "landing_files": files,
                "already_erased": bool(already),
            },
        )
        run_sql(
            con,
            "raw/insert_erasure",
            erased_at=dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" "),
            event_id=event_id,
            **params,
        )
        con.commit()
    except Exception:
        con.rollback()
        raise
    write_ledger(con, settings)  # the tombstone outlives a restore of an older backup
    _render_reports_again(con, settings, dates)
    return dataclasses.replace(outcome, event_id=event_id)


def _render_reports_again(con: duckdb.DuckDBPyConnection, settings: Settings, dates: list[dt.date]) -> None:
    """Reports already rendered for the touched dates show failure samples: render them from the
    erased warehouse."""
    from dq_project.reporting.report import render_report

    for day in dates:
        if (settings.reports_dir / day.isoformat() / "audit.html").is_file():
            render_report(con, settings, day)


def _remove(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    params: dict[str, object],
    rebuild: dict[dt.date, list[str]],
) -> None:
    """Delete the record everywhere, then, date by date, put the entities it was in back in line
    (sizes, golden records; an entity without records left loses its golden record)."""
    for step in ERASE_STEPS:
        run_sql(con, step, **params)
    for as_of, golden_ids in sorted(rebuild.items()):
        run_sql(con, "matching/build_erasure_clusters", as_of_date=as_of, record_key=params["record_key"])
        replace_state(con, CLUSTERS, as_of.isoformat(), full=False)
        build_golden(con, settings, as_of.isoformat(), golden_ids)
    run_sql(con, "golden/erase_record", **params)
    run_sql(con, "audit/redact_log", **params)
