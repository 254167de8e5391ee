"""End to end: `dq erase` on a warehouse built by the real asset graph from generated data.

One record of a two-record entity and one singleton (also named by a quarantined line) are erased;
afterwards no table of the warehouse holds their keys or values, the entity's golden record is
re-survived from its remaining record, the singleton's golden record is retired, the audit log
counts rows without values, and neither a re-run nor a re-load of a file holding them brings them back.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from dq_generator import generate
from typer.testing import CliRunner

from dq_project.cli.app import app
from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import WarehouseResource

pytestmark = pytest.mark.e2e

DAY = dt.date(2026, 11, 20)
CONFIG = PROJECT_ROOT / "dq.toml"
VALUE_FIELDS = ("name", "mobile", "id_number", "email")


def _read(path: Path):
    return duckdb.connect(str(path), read_only=True)


def _scan(path: Path, needles: set[str]) -> dict[str, set[str]]:
    """Which needles occur in the text of which table (every table of every schema, rows cast to text)."""
    con = _read(path)
    try:
        tables = con.sql("select schema_name, table_name from duckdb_tables()").fetchall()
        found = {}
        for schema, table in tables:
            ((text,),) = con.sql(
                f'select string_agg(cast(t as varchar), chr(10)) from "{schema}"."{table}" t'
            ).fetchall()
            hits = {n for n in needles if text and n in text}
            if hits:
                found[f"{schema}.{table}"] = hits
        return found
    finally:
        con.close()


def _targets(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """A crm record of a two-record entity (the other record in erp), and a crm singleton."""
    clusters = con.sql("""
        select c.golden_id, c.cluster_size, s.source, s.source_record_id
        from matching.clusters c join staging.customers s on s.record_key = c.record_key
    """).pl()
    pairs = clusters.filter(pl.col("cluster_size") == 2).group_by("golden_id").agg(pl.col("source").sort())
    golden = pairs.filter(pl.col("source") == ["crm", "erp"])["golden_id"].sort()[0]
    crm = clusters.filter(pl.col("source") == "crm")
    shared = crm.filter(pl.col("golden_id") == golden)["source_record_id"].item()
    single = crm.filter(pl.col("cluster_size") == 1)["source_record_id"].sort()[0]
    return shared, single


def _needles(con: duckdb.DuckDBPyConnection, record_id: str) -> set[str]:
    """The record's key and those of its values (as staged and as received) no other record holds."""
    staged = con.sql("select * from staging.customers").pl()
    mine = staged.filter(pl.col("record_key") == f"crm:{record_id}")
    others = staged.filter(pl.col("record_key") != f"crm:{record_id}")
    raw = con.sql(
        "select json_extract_string(record, ['mobile', 'id_card_no', 'email']) from raw.customer_rows "
        "where source = 'crm' and json_extract_string(record, 'customer_id') = $id",
        params={"id": record_id},
    ).fetchall()
    values = {v for f in VALUE_FIELDS for v in mine[f].drop_nulls()} | {v for v in raw[0][0] if v}
    held = {v for f in VALUE_FIELDS for v in others[f].drop_nulls()}
    return {record_id} | {v for v in values - held if len(v) >= 2}


@pytest.fixture(scope="module")
def erased(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("erase") / "home"
    snapshot = generate(600, 5, home / "landing", DAY)
    warehouse = WarehouseResource(config_path=str(CONFIG), home=str(home))
    instance = dg.DagsterInstance.ephemeral()
    assert run_daily(warehouse, DAY, instance=instance, log_level="WARNING").success
    path = warehouse.settings().warehouse_path
    con = _read(path)
    shared, single = _targets(con)
    needles = {shared: _needles(con, shared), single: _needles(con, single)}
    golden_id = con.sql(
        "select golden_id from matching.clusters where record_key = $k", params={"k": f"crm:{shared}"}
    ).fetchall()[0][0]
    single_golden = con.sql(
        "select golden_id from matching.clusters where record_key = $k", params={"k": f"crm:{single}"}
    ).fetchall()[0][0]
    con.close()
    # A broken line (too many fields) quoting the singleton's key lands in raw.quarantine on a later load.
    broken = snapshot.files["crm"].with_name(f"crm_{DAY + dt.timedelta(days=1)}.csv")
    shutil.copyfile(snapshot.files["crm"], broken)
    with broken.open("a", encoding="utf-8") as handle:
        handle.write(f"{single},person,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x\n")
    found_before = _scan(path, set().union(*needles.values()))
    results = []
    for record_id in (shared, single):
        results.append(
            CliRunner().invoke(
                app,
                [
                    "--user",
                    "dpo",
                    "erase",
                    "--source",
                    "crm",
                    "--id",
                    record_id,
                    "--yes",
                    "--config",
                    str(CONFIG),
                    "--home",
                    str(home),
                ],
            )  # fmt: skip
        )
    return {
        "home": home, "path": path, "warehouse": warehouse, "instance": instance, "results": results,
        "shared": shared, "single": single, "needles": needles, "found_before": found_before,
        "golden_id": golden_id, "single_golden": single_golden, "broken": broken,
    }  # fmt: skip


def test_erase_succeeds_and_reports_counts(erased) -> None:
    for result in erased["results"]:
        assert result.exit_code == 0, result.output
        assert "staging.customers" in result.output and "removed" in result.output


def test_nothing_of_the_records_is_left_in_any_table(erased) -> None:
    all_needles = set().union(*erased["needles"].values())
    before = set().union(*erased["found_before"].values())
    assert before == all_needles, "the scan must find every needle before the erasure"
    assert _scan(erased["path"], all_needles) == {}


def test_golden_record_is_recomputed_from_the_remaining_record(erased) -> None:
    con = _read(erased["path"])
    golden = con.sql(
        "select * from golden.customers where golden_id = $g", params={"g": erased["golden_id"]}
    ).pl()
    remaining = con.sql(
        "select s.* from matching.clusters c join staging.customers s on s.record_key = c.record_key "
        "where c.golden_id = $g",
        params={"g": erased["golden_id"]},
    ).pl()
    gone = con.sql(
        "select count(*) from golden.customers where golden_id = $g", params={"g": erased["single_golden"]}
    ).fetchall()
    changes = con.sql(
        "select change, records from matching.golden_id_changes where golden_id = $g and change = 'erased'",
        params={"g": erased["single_golden"]},
    ).fetchall()
    con.close()
    assert golden.height == 1 and golden["record_count"].item() == 1 and golden["sources"].item() == "erp"
    assert remaining.height == 1
    for field in ("name", "mobile", "email", "id_number"):
        if remaining[f"{field}_status"].item() in ("ok", "normalized"):
            assert golden[field].item() == remaining[field].item(), field
    assert gone == [(0,)]
    assert changes == [("erased", 0)]


def test_audit_log_counts_rows_without_values(erased) -> None:
    con = _read(erased["path"])
    rows = con.sql(
        "select actor, target, details from audit.log where action = 'erasure' order by logged_at"
    ).fetchall()
    con.close()
    assert [(actor, target) for actor, target, _ in rows] == [("dpo", "crm"), ("dpo", "crm")]
    assert '"staging.customers": 1' in rows[0][2] and '"key_hash"' in rows[0][2]
    assert '"staging.row_hashes": 1' in rows[0][2]  # incremental staging's hash of the record, too
    for _, _, details in rows:
        assert not any(n in details for n in set().union(*erased["needles"].values()))


def test_erasing_again_changes_nothing(erased) -> None:
    result = CliRunner().invoke(
        app,
        ["erase", "--source", "crm", "--id", erased["single"], "--yes",
         "--config", str(CONFIG), "--home", str(erased["home"])],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "removed 0 rows" in result.output and "erased before" in result.output


def test_rerun_and_reload_do_not_bring_them_back(erased) -> None:
    warehouse, instance = erased["warehouse"], erased["instance"]
    assert run_daily(warehouse, DAY, instance=instance, log_level="WARNING").success
    # The next day's file still holds both records, plus a broken line quoting the singleton.
    assert run_daily(warehouse, DAY + dt.timedelta(days=1), instance=instance, log_level="WARNING").success
    con = _read(erased["path"])
    loads = con.sql("select file_name, rows_erased from raw.loads where rows_erased > 0").fetchall()
    redacted = con.sql("select count(*) from raw.quarantine where reason = 'erased on request'").fetchall()
    con.close()
    assert loads == [(erased["broken"].name, 2)]
    assert redacted == [(1,)]
    assert _scan(erased["path"], set().union(*erased["needles"].values())) == {}
    report = erased["home"] / "reports" / DAY.isoformat() / "audit.html"
    assert erased["single"] not in report.read_text(encoding="utf-8")
