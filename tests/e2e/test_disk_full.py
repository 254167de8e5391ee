"""Machine faults through the real `dq` command: a full disk (a file-size limit, `ulimit -f`, since
a tmpfs needs root) at ingest, run, backup and export, and a warehouse damaged in the middle of the
file. Each ends in a clear message and a non-zero exit, never a traceback, with a warehouse that
still opens and a re-run that then succeeds -- or, for the damaged file, a refusal pointing to
`dq restore`."""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dq_generator import generate

from dq_project.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e
DQ = str(Path(sys.executable).parent / "dq")
CONFIG = str(PROJECT_ROOT / "dq.toml")
DAY, NEXT_DAY = dt.date(2026, 4, 1), dt.date(2026, 4, 2)


def dq(home: Path, *args: str, limit: int | None = None) -> subprocess.CompletedProcess:
    """`dq ARGS --config --home` in a subprocess, with files limited to `limit` bytes (RLIMIT_FSIZE;
    Python ignores SIGXFSZ, so a write past it fails with EFBIG, as on a full disk)."""

    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [DQ, *args, "--config", CONFIG, "--home", str(home)],
        capture_output=True, text=True, preexec_fn=cap, timeout=600,
        env={**os.environ, "DQ_USER": "tester"},
    )  # fmt: skip


def counts(home: Path) -> dict[str, int]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return {
            t: con.sql(f"select count(*) from {t}").fetchone()[0]
            for t in ("raw.customer_rows", "raw.loads", "staging.customers", "audit.log")
        }
    finally:
        con.close()


def assert_clear_failure(result: subprocess.CompletedProcess, *phrases: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr and "╭" not in result.stderr, result.stderr
    for phrase in phrases:
        assert phrase in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A home with one day ingested (no run), and the files of a much bigger second day."""
    base = tmp_path_factory.mktemp("disk_full")
    first = generate(400, 3, base / "day1", DAY).files["crm"]
    second = generate(6000, 4, base / "day2", NEXT_DAY).files["crm"]
    home = base / "home"
    done = dq(home, "ingest", str(first), "--source", "crm", "--no-run")
    assert done.returncode == 0, done.stderr
    return home, second


def test_disk_full_at_ingest_fails_clearly_and_a_rerun_loads(loaded: tuple[Path, Path]) -> None:
    home, second = loaded
    before = counts(home)
    # room for the landed copy, not for the rows in the warehouse
    limit = max((home / "warehouse.duckdb").stat().st_size, second.stat().st_size) + 64 * 1024
    full = dq(home, "ingest", str(second), "--source", "crm", "--no-run", limit=limit)
    assert_clear_failure(full, "is full", "dq doctor")
    assert dq(home, "doctor").returncode == 0  # the warehouse opens and reads back whole
    after = counts(home)  # the load is all or nothing: committed to the WAL, or not at all
    assert after["raw.loads"] - before["raw.loads"] in (0, 1)
    again = dq(home, "ingest", str(second), "--source", "crm", "--no-run")
    assert again.returncode == 0, again.stderr
    final = counts(home)
    assert final["raw.loads"] == before["raw.loads"] + 1
    assert after["raw.loads"] == before["raw.loads"] or final == {**after, "audit.log": final["audit.log"]}


def test_disk_full_at_backup_leaves_no_backup(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    home, _ = loaded
    limit = (home / "warehouse.duckdb").stat().st_size // 2
    full = dq(home, "backup", "--out", str(tmp_path / "b"), limit=limit)
    assert_clear_failure(full, "disk is full", "partial backup was removed")
    assert not (tmp_path / "b").exists()
    assert dq(home, "doctor").returncode == 0


def test_disk_full_at_export_leaves_no_file(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    home, _ = loaded
    out = tmp_path / "failures.csv"
    # the day was only ingested: export refuses it (issue 24) until a run of it succeeds
    refused = dq(home, "export", "failures", "--out", str(out), "--date", DAY.isoformat())
    assert refused.returncode == 1 and "has no successful run" in refused.stderr and not out.exists()
    assert dq(home, "run", "--date", DAY.isoformat()).returncode == 0
    full = dq(home, "export", "failures", "--out", str(out), "--date", DAY.isoformat(), limit=8)
    assert_clear_failure(full, "is full")
    assert not list(tmp_path.iterdir())  # neither the file nor a partial one
    again = dq(home, "export", "failures", "--out", str(out), "--date", DAY.isoformat())
    assert again.returncode == 0 and out.read_text(encoding="utf-8").startswith("source,")


@pytest.mark.slow  # two pipeline runs of 3,000 records
def test_disk_full_during_a_run_fails_clearly_and_a_rerun_succeeds(loaded: tuple[Path, Path]) -> None:
    home, _ = loaded
    limit = (home / "warehouse.duckdb").stat().st_size + 32 * 1024
    full = dq(home, "run", "--date", NEXT_DAY.isoformat(), limit=limit)
    assert_clear_failure(full, "run failed", "is full")
    assert dq(home, "doctor").returncode == 0
    again = dq(home, "run", "--date", NEXT_DAY.isoformat())
    assert again.returncode == 0, again.stderr


def test_damaged_warehouse_is_refused_with_restore_advice(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = loaded[0] / "warehouse.duckdb"
    home.mkdir()
    con = duckdb.connect(str(source))
    con.execute("checkpoint")  # a copy without WAL of the loaded home
    # a block in the middle of the file that holds raw rows (not the header, not the catalog)
    blocks = sorted(
        b for (b,) in con.sql(
            "select distinct block_id from pragma_storage_info('raw.customer_rows') where block_id >= 0"
        ).fetchall()
    )  # fmt: skip
    con.close()
    data = bytearray(source.read_bytes())
    offset = 3 * 4096 + blocks[len(blocks) // 2] * 262144 + 1024  # header, then 256 KiB blocks
    data[offset : offset + 4096] = os.urandom(4096)
    (home / "warehouse.duckdb").write_bytes(bytes(data))
    doctor = dq(home, "doctor")
    assert_clear_failure(doctor, "FAIL integrity", "dq restore")
    backup = dq(home, "backup", "--out", str(tmp_path / "b"))
    assert_clear_failure(backup, "fails its integrity check", "dq restore")
    assert not (tmp_path / "b").exists()
    run = dq(home, "erase", "--source", "crm", "--id", "nobody", "--dry-run")
    assert_clear_failure(run, "is damaged", "dq restore")
