"""build_golden's single-record fast path gives the same tables as ranking every entity."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import duckdb
import pytest
from dq_generator.accuracy import stage_generated

from dq_project.golden.survivorship import build_golden
from dq_project.settings import PROJECT_ROOT, load_settings
from dq_project.stewardship.decisions import ensure_tables, record_decision
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.versioned import CLUSTERS as CLUSTERS_TABLE
from dq_project.warehouse.versioned import store_state

CONFIG = PROJECT_ROOT / "dq.toml"
DAYS = [dt.date(2026, 5, 1), dt.date(2026, 5, 2), dt.date(2026, 5, 3)]
# Records sharing an id_number (or credit code) form one entity: singletons and multi-record ones.
CLUSTERS = """
select record_key, coalesce(customer_type, 'person') as customer_type, entity as cluster_key,
       'G-' || md5(entity) as golden_id, count(*) over (partition by entity) as cluster_size,
       entity as component_key
from (
    select record_key, customer_type, coalesce(id_number, credit_code, record_key) as entity
    from staging.current_customers($d)
)
"""


def _tables(con: duckdb.DuckDBPyConnection) -> tuple[set, set]:
    customers = set(con.execute("select * from golden.customers").fetchall())
    provenance = set(con.execute("select * from golden.provenance").fetchall())
    return customers, provenance


def _build_all(con: duckdb.DuckDBPyConnection, fast: bool) -> tuple[set, set]:
    settings = load_settings(CONFIG, env={})
    for day in DAYS:
        con.begin()
        build_golden(con, settings, day.isoformat(), fast=fast)
        con.commit()
    return _tables(con)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """Three days of generated records (day 2 and 3 change some and add some), clusters, overrides."""
    sources = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["sources"]
    staged, _ = stage_generated(400, 7, tmp_path / "gen", sources, DAYS[0])
    con = open_warehouse(tmp_path / "w.duckdb")
    ensure_tables(con)
    columns = [c for (c,) in con.execute("select column_name from (describe staging.customers)").fetchall()]
    staged = staged.select(c for c in staged.columns if c in columns)
    con.register("staged", staged.to_arrow())
    for number, day in enumerate(DAYS):
        # day n holds every record whose hash falls in the first n + 1 thirds; later days also
        # bring a new version (other e-mail and update time) of some earlier records
        con.execute(
            "insert into staging.customers by name select *, $d as snapshot_date, 'L' || $n as load_id, "
            "row_number() over () as row_number from staged where hash(record_key) % 3 = $n",
            {"d": day, "n": number},
        )
        if number:
            con.execute(
                "insert into staging.customers by name select * replace ($d as snapshot_date, "
                "'L' || $n || 'b' as load_id, coalesce(email, 'x') || '.new' as email, "
                "'normalized' as email_status, updated_at + interval 1 day as updated_at) "
                "from staging.customers where snapshot_date < $d and hash(record_key || $n) % 7 = 0",
                {"d": day, "n": number},
            )
        store_state(con, CLUSTERS_TABLE, day.isoformat(), con.sql(CLUSTERS, params={"d": day}))
    con.unregister("staged")
    sizes = con.execute(
        "select golden_id, any_value(cluster_size) from matching.clusters where as_of_date = $d "
        "group by 1 order by 2 desc, 1",
        {"d": DAYS[-1]},
    ).fetchall()
    assert sizes[0][1] > 1 and sizes[-1][1] == 1, "want both multi-record and single-record entities"
    single, multi = sizes[-1][0], sizes[0][0]
    overrides = [(single, "email", "steward@example.com"), (single, "phone", None),
                 (multi, "name", "王芳"), (multi, "mobile", "+8613911112222")]  # fmt: skip
    for golden_id, field, value in overrides:
        record_decision(con, "override_field", decided_by="t", golden_id=golden_id, field=field, value=value,
                        decided_at=dt.datetime.combine(DAYS[0], dt.time(9)))  # fmt: skip
    yield con
    con.close()


def test_fast_path_equals_ranking_every_entity(con) -> None:
    ranked = _build_all(con, fast=False)
    assert ranked[0] and ranked[1]
    assert any(row[6] == "steward_override" for row in ranked[1])
    assert _build_all(con, fast=True) == ranked


def test_fast_path_equals_ranking_for_some_golden_ids(con) -> None:
    ranked = _build_all(con, fast=False)
    ids = [g for (g,) in con.execute("select distinct golden_id from golden.customers limit 40").fetchall()]
    settings = load_settings(CONFIG, env={})
    con.begin()
    build_golden(con, settings, DAYS[-1].isoformat(), ids, fast=True)
    con.commit()
    assert _tables(con) == ranked


def test_implicit_provenance_is_derived_not_stored(con) -> None:
    """A single-record entity with every value valid and no override stores no provenance rows: its
    golden record names the record (implicit_record_id) and the view derives them; any other entity
    keeps stored rows. The derived rows equal the ranked ones (the tests above)."""
    _build_all(con, fast=True)
    per_date = """
        select d.as_of_date, v.golden_id from golden.built_dates as d
        join golden.{} as v
            on v.valid_from <= d.as_of_date and (v.valid_to is null or v.valid_to > d.as_of_date)
    """
    implicit_rows = per_date.format("customer_versions") + " where implicit_record_id is not null"
    implicit = set(con.execute(implicit_rows).fetchall())
    stored = set(con.execute(per_date.format("provenance_versions")).fetchall())
    assert implicit and not implicit & stored
    expected = set(
        con.execute(
            "select as_of_date, golden_id from golden.customers where record_count = 1 except "
            "select as_of_date, golden_id from golden.provenance "
            "where rule in ('invalid_only', 'steward_override')"
        ).fetchall()
    )
    assert implicit == expected
    shown = con.execute("select count(*) from golden.provenance").fetchone()[0]
    kept = con.execute("select count(*) from golden.provenance_versions").fetchone()[0]
    assert kept < shown / 2, "most provenance rows are implicit"
    invalid_singles = con.execute(
        "select count(*) from golden.customers as c "
        "join golden.provenance as p using (as_of_date, golden_id) "
        "where c.record_count = 1 and p.rule = 'invalid_only'"
    ).fetchone()[0]
    assert invalid_singles, "want single-record entities with an invalid value (stored, not implicit)"
