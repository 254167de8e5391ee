"""The erasure ledger: every tombstone also goes to `<home>/erasures.jsonl`, outside the warehouse.

A restore replaces the warehouse file, and a backup taken before an erasure has neither the erased
record's tombstone nor its absence. The ledger survives that (and a warehouse too damaged to open),
so `dq restore` can re-apply every erasure ever made. It holds what raw.erasures holds: the salted
key hash, the source, when, and the audit event, never a key or a value.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from dq_project.settings import Settings, SourceSettings
from dq_project.sources.mapping_spec import json_pointer
from dq_project.warehouse.sql import query_sql, run_sql

LEDGER = "erasures.jsonl"


def ledger_path(settings: Settings) -> Path:
    return settings.home / LEDGER


def write_ledger(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Rewrite the ledger from the warehouse's tombstones plus any it had that the warehouse lacks
    (written to a temporary file and renamed, so a failed write leaves the previous ledger)."""
    rows = {r["key_hash"]: r for r in read_ledger(settings)}
    for key_hash, source, erased_at, event_id in query_sql(con, "raw/select_erasures").fetchall():
        rows[key_hash] = {
            "key_hash": key_hash,
            "source": source,
            "erased_at": erased_at,
            "event_id": event_id,
        }
    target = ledger_path(settings)
    staged = target.with_name(target.name + ".tmp")
    staged.write_text("".join(json.dumps(r) + "\n" for r in rows.values()), encoding="utf-8")
    staged.replace(target)


def read_ledger(settings: Settings) -> list[dict[str, str]]:
    path = ledger_path(settings)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_ledger(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Put the ledger's tombstones into the warehouse (kept once); returns how many the ledger holds."""
    rows = read_ledger(settings)
    for row in rows:  # one row per erasure ever made: a handful, not a hot path
        run_sql(con, "restore/insert_tombstone", **row)
    return len(rows)


def skip_erased_rows(con: duckdb.DuckDBPyConnection, source: SourceSettings, load_id: str) -> int:
    """Drop a new load's rows whose record key has a tombstone (and redact quarantined lines naming
    one); returns the rows dropped. Call inside the load's transaction."""
    ((tombstones,),) = query_sql(con, "raw/select_source_erasures", source=source.name).fetchall()
    if not tombstones:
        return 0
    run_sql(
        con,
        "raw/skip_erased_rows",
        load_id=load_id,
        source=source.name,
        key_pointer=json_pointer(source.primary_key),
    )
    ((dropped,),) = query_sql(con, "raw/select_erased_in_load").fetchall()
    return dropped
