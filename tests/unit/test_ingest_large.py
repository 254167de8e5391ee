"""A 2 GB export loads completely by streaming (slow: run with `make test-all`)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dq_project.settings import Settings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.warehouse.resource import open_warehouse

pytestmark = pytest.mark.slow


def test_two_gigabyte_csv_loads_every_row(settings: Settings) -> None:
    path = settings.landing_dir / "crm" / "crm_2026-01-02.csv"
    path.parent.mkdir(parents=True)
    rows = 32_000_000
    duckdb.sql(f"""
        copy (select 'C' || i as customer_id, 'person' as type, '张三丰' || (i % 97) as full_name,
                     '138' || lpad((i % 100000000)::varchar, 8, '0') as mobile,
                     'someone' || i || '@example.com' as email
              from range({rows}) t(i)) to '{path}' (header, delimiter ',')
    """)
    assert path.stat().st_size > 2_000_000_000
    con = open_warehouse(settings.warehouse_path)
    outcome = load_file(con, settings.source("crm"), LandedFile("crm", path, dt.date(2026, 1, 2)))
    ((stored,),) = con.sql("select count(*) from raw.customer_rows").fetchall()
    con.close()
    assert (outcome.rows_loaded, outcome.rows_quarantined, stored) == (rows, 0, rows)
