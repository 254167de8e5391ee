"""Erasure helpers on a tiny warehouse: the SQL key stripping matches staging's, a dry run changes
nothing, and a load skips a tombstoned record."""

from __future__ import annotations

import polars as pl

from dq_project.governance.erasure import erase_record
from dq_project.governance.tombstones import skip_erased_rows
from dq_project.settings import Settings
from dq_project.sources.mapping_spec import json_pointer
from dq_project.warehouse.resource import open_warehouse

KEYS = [" C1 ", "\u3000C1\u00a0", "\tC1\n", "C 1", "C1", "", "  "]


def test_sql_strips_keys_like_staging(settings: Settings) -> None:
    con = open_warehouse(settings.warehouse_path)
    stripped = [con.execute("select raw.strip_key($k)", {"k": k}).fetchone()[0] for k in KEYS]
    con.close()
    assert stripped == pl.Series(KEYS).str.strip_chars().to_list()


def test_json_pointer_escapes() -> None:
    assert json_pointer("客户编号") == "/客户编号" and json_pointer("a/b~c") == "/a~1b~0c"


def _load(con, load_id: str, ids: list[str]) -> None:
    for n, key in enumerate(ids, start=1):
        con.execute(
            "insert into raw.customer_rows "
            "values ($l, 'crm', 'f.csv', $n, date '2026-11-20', to_json({customer_id: $k}))",
            {"l": load_id, "n": n, "k": key},
        )


def test_dry_run_changes_nothing_and_a_tombstone_is_respected(settings: Settings) -> None:
    con = open_warehouse(settings.warehouse_path)
    _load(con, "L1", ["C1", "C2"])
    dry = erase_record(con, settings, "crm", "C1", dry_run=True)
    assert dry.rows["raw.customer_rows"] == 1 and dry.event_id is None
    assert con.sql("select count(*) from raw.customer_rows").fetchall() == [(2,)]
    assert con.sql("select count(*) from raw.erasures").fetchall() == [(0,)]
    done = erase_record(con, settings, "crm", " C1 ")
    assert done.rows["raw.customer_rows"] == 1 and done.event_id
    _load(con, "L2", [" C1\u3000", "C2", "C3"])
    assert skip_erased_rows(con, settings.source("crm"), "L2") == 1
    keys = con.sql("select record ->> 'customer_id' from raw.customer_rows where load_id = 'L2'").fetchall()
    con.close()
    assert sorted(k for (k,) in keys) == ["C2", "C3"]
