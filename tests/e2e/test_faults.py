"""Faults: a run killed at each asset, two runs at once, a Great Expectations or Splink failure.

After a fault the warehouse must be consistent: re-running the partition gives tables that are
hash-equal (order-independent) to an uninterrupted run on the same data in another home.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dq_generator import generate

import dq_project.warehouse.sql
from dq_project.matching.model import comparable_model
from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.warehouse.resource import WarehouseResource

pytestmark = pytest.mark.e2e
CONFIG = PROJECT_ROOT / "dq.toml"
ROWS, SEED = 300, 11
DAY, NEXT_DAY = dt.date(2026, 3, 1), dt.date(2026, 3, 2)

# Columns that legitimately differ between two runs over the same data (ids and clocks of the run).
RUN_SPECIFIC = {
    "raw.loads": ("loaded_at",),
    "quality.rule_results": ("run_id", "evaluated_at"),
    "quality.rule_failures": ("run_id",),
    "quality.kpi_history": ("run_id", "computed_at"),
    "audit.log": ("event_id", "logged_at"),
    "raw.erasure_salt": ("salt",),  # random per warehouse (dq erase's tombstone hashes)
    "matching.runs": ("fingerprint", "seconds"),  # model files differ by Splink's random linker_uid
}
# audit.log is append-only: a run that failed in audit/report logged its 'run' event before failing,
# and that attempt did happen. Run events are compared by count elsewhere, not by hash.
# A run taking over the lock of a killed run logs that (lock_takeover), checked by the kill cases.
ROW_FILTER = {"audit.log": "action not in ('run', 'lock_takeover')"}

# Where each asset of the daily job is made to fail, after some of its work: (SQL file, occurrence).
# run_sql/query_sql load every statement through dq_project.warehouse.sql.statements, so failing there stops
# the asset right before that file runs -- inside its transaction when it is a write.
FAULT_POINTS = {
    "raw/customer_rows": ("raw/insert_load", 2),  # crm committed, erp's rows inserted, then dies
    "staging/customers": ("staging/insert_customers", 1),  # after deleting the partition
    "quality/rule_results": ("quality/insert_rule_results", 1),  # after deleting the partition
    "matching/pairs": ("matching/build_clusters", 1),  # after the model is saved and pairs built
    "golden/customers": ("golden/take_customers", 1),  # after provenance is stored
    "quality/kpi_history": ("quality/select_kpis", 1),  # after the KPIs are committed
    "audit/report": ("audit/select_log", 1),  # after the run is logged, while rendering
}
# The default suite's representative subset; the rest is marked slow (make test-all).
FAST = {"raise": {"raw/customer_rows", "matching/pairs"}, "kill": {"golden/customers"}}


class InjectedFault(RuntimeError):
    pass


def inject_fault(monkeypatch: pytest.MonkeyPatch, sql_name: str, occurrence: int, action: Callable) -> None:
    """Call `action` instead of running sql/<sql_name>.sql the `occurrence`-th time."""
    real, seen = dq_project.warehouse.sql.statements, {"n": 0}

    def statements(name: str) -> list[str]:
        if name == sql_name:
            seen["n"] += 1
            if seen["n"] == occurrence:
                action()
        return real(name)

    monkeypatch.setattr(dq_project.warehouse.sql, "statements", statements)


def _raise() -> None:
    raise InjectedFault("injected fault")


def land(home: Path, day: dt.date = DAY) -> None:
    generate(ROWS, SEED, home / "landing", day)


def warehouse_of(home: Path) -> WarehouseResource:
    return WarehouseResource(config_path=str(CONFIG), home=str(home))


def table_hashes(home: Path) -> dict[str, tuple[int, int]]:
    """(rows, xor of row hashes) per warehouse table, run-specific columns left out."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        tables = con.sql(
            "select table_schema || '.' || table_name, "
            "list((column_name, data_type) order by ordinal_position) "
            "from information_schema.columns where table_catalog = current_database() "
            "and table_schema <> 'main' group by 1"
        ).fetchall()
        hashes = {}
        for table, columns in tables:
            kept = [_comparable(c, t) for c, t in columns if c not in RUN_SPECIFIC.get(table, ())]
            where = f"where {ROW_FILTER[table]}" if table in ROW_FILTER else ""
            digest = f"coalesce(bit_xor(hash({', '.join(kept)})), 0)" if kept else "0"
            query = f"select count(*), {digest} from {table} {where}"
            hashes[table] = con.sql(query).fetchone()
        return hashes
    finally:
        con.close()


def _comparable(column: str, data_type: str) -> str:
    """Doubles rounded to 9 places: Splink's sums of match weights vary in the last bit between
    runs (DuckDB's threads add in varying order)."""
    return f'round("{column}", 9)' if data_type == "DOUBLE" else f'"{column}"'


def models_of(home: Path) -> dict[str, dict]:
    """The saved Splink models as they compare between trainings (no linker_uid, rounded floats)."""
    models = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (home / "models").glob("*.json")}
    return {name: comparable_model(m) for name, m in models.items()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One uninterrupted run on the data every fault test uses."""
    home = tmp_path_factory.mktemp("reference") / "home"
    land(home)
    assert run_daily(warehouse_of(home), DAY, log_level="WARNING").success
    return {"hashes": table_hashes(home), "models": models_of(home)}


def assert_same_as_reference(home: Path, reference: dict) -> None:
    hashes = table_hashes(home)
    assert hashes.keys() == reference["hashes"].keys()
    differing = {
        t: (hashes[t], reference["hashes"][t]) for t in hashes if hashes[t] != reference["hashes"][t]
    }
    assert not differing, differing
    assert models_of(home) == reference["models"]


KILL_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    import dq_project.warehouse.sql
    from dq_project.warehouse.resource import WarehouseResource
    from dq_project.runner import run_daily
    config, home, sql_name, occurrence, day = sys.argv[1:]
    real, seen = dq_project.warehouse.sql.statements, [0]
    def statements(name):
        if name == sql_name:
            seen[0] += 1
            if seen[0] == int(occurrence):
                os.kill(os.getpid(), signal.SIGKILL)
        return real(name)
    dq_project.warehouse.sql.statements = statements
    run_daily(WarehouseResource(config_path=config, home=home), dt.date.fromisoformat(day), log_level="ERROR")
    """
)


def _params(kind: str) -> list:
    return [
        pytest.param(kind, asset, marks=() if asset in FAST[kind] else pytest.mark.slow, id=f"{kind}-{asset}")
        for asset in FAULT_POINTS
    ]


@pytest.mark.parametrize(("kind", "asset"), _params("raise") + _params("kill"))
def test_killed_run_then_rerun_equals_an_uninterrupted_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: dict, kind: str, asset: str
) -> None:
    home = tmp_path / "home"
    land(home)
    sql_name, occurrence = FAULT_POINTS[asset]
    if kind == "raise":
        with monkeypatch.context() as patch:
            inject_fault(patch, sql_name, occurrence, _raise)
            result = run_daily(warehouse_of(home), DAY, log_level="CRITICAL")
        assert not result.success
        (failure,) = result.get_step_failure_events()
        assert asset.replace("/", "__") in failure.step_key or failure.step_key in _step_keys(asset)
        assert "injected fault" in str(failure.event_specific_data.error)
    else:
        args = [
            sys.executable,
            "-c",
            KILL_SCRIPT,
            str(CONFIG),
            str(home),
            sql_name,
            str(occurrence),
            str(DAY),
        ]
        killed = subprocess.run(args, capture_output=True, timeout=300)
        assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
        assert (home / "run.lock.json").exists()  # the killed run's, stale now
    assert run_daily(warehouse_of(home), DAY, log_level="WARNING").success
    assert_same_as_reference(home, reference)
    if kind == "kill":  # the re-run took the stale lock over and logged it
        con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
        taken = con.sql("select count(*) from audit.log where action = 'lock_takeover'").fetchone()[0]
        con.close()
        assert taken == 1 and not (home / "run.lock.json").exists()


def _step_keys(asset: str) -> set[str]:
    """Step keys of the multi-assets (named after their function, not a key)."""
    return {
        "raw/customer_rows": {"customer_rows"},
        "quality/rule_results": {"rule_results"},
        "matching/pairs": {"entity_resolution"},
        "golden/customers": {"golden_customers"},
    }.get(asset, set())


def test_two_runs_at_once_wait_for_each_other(tmp_path: Path, reference: dict) -> None:
    """Two `dq run` processes on one warehouse: one waits for the other's run lock, saying so; both
    succeed and the warehouse ends up as after a single run."""
    home = tmp_path / "home"
    land(home)
    dq = Path(sys.executable).parent / "dq"
    command = [str(dq), "run", "--date", str(DAY), "--home", str(home), "--config", str(CONFIG)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in "ab"]
    outputs = [run.communicate(timeout=600)[0].decode(errors="replace") for run in runs]
    codes = [run.returncode for run in runs]
    assert codes == [0, 0], outputs
    # The one that waited said for whom, since when, and when it got the lock (issue 24).
    (waited,) = [output for output in outputs if "waiting up to" in output]
    assert re.search(rf"held by run dq {DAY}, process \d+, since \d{{4}}-\d\d-\d\dT", waited), waited
    assert "got the run lock" in waited
    order = [waited.index(s) for s in ("waiting up to", "got the run lock", "running the pipeline")]
    assert order == sorted(order)
    assert_same_as_reference(home, reference)


def _previous_golden(home: Path) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.sql(
            "select * from golden.customers where as_of_date = $d order by golden_id", params={"d": DAY}
        ).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("target", "failing_step", "full"),
    [
        ("great_expectations.datasource.fluent.interfaces.Batch.validate", "rule_results", False),
        ("splink.internals.linker_components.inference.LinkerInference.predict", "entity_resolution", True),
        (
            "splink.internals.linker_components.inference.LinkerInference.predict_between",
            "entity_resolution",
            False,
        ),
    ],
    ids=["great_expectations", "splink_full", "splink_incremental"],
)
def test_library_failure_fails_its_asset_and_keeps_previous_golden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, failing_step: str, full: bool
) -> None:
    home = tmp_path / "home"
    land(home)
    warehouse, instance = warehouse_of(home), dg.DagsterInstance.ephemeral()
    assert run_daily(warehouse, DAY, instance=instance, log_level="WARNING").success
    before = _previous_golden(home)
    land(home, NEXT_DAY)

    def broken(*args, **kwargs):
        raise RuntimeError(f"library exploded inside {target.rsplit('.', 1)[-1]}")

    monkeypatch.setattr(target, broken)
    result = run_daily(warehouse, NEXT_DAY, instance=instance, log_level="CRITICAL", full_recompute=full)
    assert not result.success
    (failure,) = result.get_step_failure_events()
    assert failure.step_key == failing_step
    records = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    assert any("library exploded" in str(r.dagster_event.event_specific_data.error) for r in records)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "golden/customers" not in materialized
    assert _previous_golden(home) == before and before
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    dates = {d for (d,) in con.sql("select distinct as_of_date from golden.customers").fetchall()}
    con.close()
    assert dates == {DAY}
