"""The quarantine of files and the landing boundary: refused symlinks, --date over the name, a
quarantined file skipped by later runs, released, or replaced by a corrected file."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dq_project.cli.app import app
from dq_project.settings import PROJECT_ROOT, Settings
from dq_project.sources.file_quarantine import ReleaseError, bounded, listing, release, shown
from dq_project.sources.ingest import discover, files_for_partition, land, load_file
from dq_project.warehouse.resource import open_warehouse

DAY = dt.date(2026, 1, 2)
HEADER = "customer_id,full_name,mobile\n"
SECRET = "root:x:0:0:TOP-SECRET-LINE\n"


def _landing(settings: Settings) -> Path:
    folder = settings.source_landing(settings.source("crm"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _load_day(settings: Settings, day: dt.date = DAY) -> dict[str, str]:
    con = open_warehouse(settings.warehouse_path)
    try:
        return {
            f.path.name: load_file(con, settings.source(f.source), f).status
            for f in files_for_partition(settings, day)
        }
    finally:
        con.close()


def test_symlinks_and_outside_paths_are_refused_unread(settings: Settings, tmp_path: Path) -> None:
    """A link to a file outside landing (and a link to a CSV outside it) is refused: nothing read,
    no content in the quarantine row or the audit log; the regular file of the date loads."""
    folder = _landing(settings)
    secret = tmp_path / "passwd.csv"
    secret.write_text(SECRET)
    outside_csv = tmp_path / "outside.csv"
    outside_csv.write_text(HEADER + "X1,外部,13812345678\n")
    (folder / f"crm_{DAY}.csv").write_text(HEADER + "K1,张三,13812345678\n")
    (folder / f"link_{DAY}.csv").symlink_to(secret)
    (folder / f"outside_{DAY}.csv").symlink_to(outside_csv)
    assert _load_day(settings) == {
        f"crm_{DAY}.csv": "loaded", f"link_{DAY}.csv": "refused", f"outside_{DAY}.csv": "refused"
    }  # fmt: skip
    assert _load_day(settings)[f"link_{DAY}.csv"] == "refused"  # re-run: still refused, not duplicated
    con = open_warehouse(settings.warehouse_path)
    try:
        keys = [k for (k,) in con.sql("select record->>'customer_id' from raw.customer_rows").fetchall()]
        files = con.sql("select file_name, file_hash, kind, reason from raw.quarantined_files").fetchall()
        everything = json.dumps(con.sql("select * from audit.log").fetchall(), default=str) + str(files)
    finally:
        con.close()
    assert keys == ["K1"]
    assert sorted((name, digest, kind) for name, digest, kind, _ in files) == [
        (f"link_{DAY}.csv", None, "refused"), (f"outside_{DAY}.csv", None, "refused")
    ]  # fmt: skip
    assert all("symbolic link" in reason for *_, reason in files)
    assert "TOP-SECRET" not in everything and "外部" not in everything


def test_a_quarantined_file_is_skipped_then_released_or_replaced(settings: Settings) -> None:
    folder = _landing(settings)
    good, bad = folder / f"a_{DAY}.csv", folder / f"b_{DAY}.csv"
    good.write_text(HEADER + "K1,张三,13812345678\n")
    bad.write_bytes(gzip.compress((HEADER + "K2,李四,13912345678\n").encode(), mtime=0))
    assert _load_day(settings) == {good.name: "loaded", bad.name: "quarantined"}
    assert _load_day(settings) == {good.name: "already_loaded", bad.name: "quarantined"}
    con = open_warehouse(settings.warehouse_path)
    try:
        (entry,) = listing(con, DAY, include_released=False)
        assert "gzip" in entry["reason"] and "decompress" in entry["action"]
        with pytest.raises(ReleaseError, match="no unreleased quarantined file"):
            release(con, "1234", "li")  # too short to be a hash prefix, not a file name
        released = release(con, entry["file_hash"][:10], "li")
        assert released == [("crm", bad.name, entry["file_hash"])]
        assert listing(con, DAY, include_released=False) == []
    finally:
        con.close()
    assert _load_day(settings)[bad.name] == "quarantined"  # read again after release: still gzip
    bad.write_text(HEADER + "K2,李四,13912345678\n")  # the corrected file: a new SHA-256
    assert _load_day(settings)[bad.name] == "loaded"


def test_impossible_name_dates_are_quarantined_on_the_landing_day(settings: Settings) -> None:
    folder = _landing(settings)
    for name in ("x_9999-12-31.csv", "y_2026-02-30.csv", "z_1850-01-01.csv"):
        (folder / name).write_text(HEADER + "K1,张三,1\n")
    landed_on = dt.datetime.now(dt.UTC).date()
    found = {f.path.name: (f.snapshot_date, str(f.problem)) for f in discover(settings)}
    assert {name: day for name, (day, _) in found.items()} == dict.fromkeys(found, landed_on)
    assert (
        "implausible" in found["x_9999-12-31.csv"][1]
        and "not a calendar date" in found["y_2026-02-30.csv"][1]
    )
    assert set(_load_day(settings, landed_on).values()) == {"quarantined"}


def test_date_option_wins_over_the_date_in_the_name(settings: Settings, tmp_path: Path) -> None:
    export = tmp_path / "crm_2025-06-30.csv"
    export.write_text(HEADER + "K1,张三,13812345678\n")
    landed = land(settings, settings.source("crm"), export, DAY)
    assert (landed.path.name, landed.snapshot_date) == (f"crm_{DAY}.csv", DAY)
    assert [f.snapshot_date for f in discover(settings)] == [DAY]


def test_reasons_are_bounded_and_masked() -> None:
    long = "x" * 10_000
    assert len(bounded(long)) < 550 and bounded("short") == "short"
    assert shown("phone 13812345678 mail zhang.san@example.com") == "phone *******5678 mail z***@example.com"


def test_quarantine_cli_list_and_release(settings: Settings, home: Path) -> None:
    folder = _landing(settings)
    (folder / f"b_{DAY}.csv").write_bytes(gzip.compress(HEADER.encode(), mtime=0))
    _load_day(settings)
    runner, config = CliRunner(), str(PROJECT_ROOT / "dq.toml")
    listed = runner.invoke(app, ["quarantine", "list", "--config", config, "--home", str(home)])
    assert listed.exit_code == 0 and f"crm/b_{DAY}.csv" in listed.output and "gzip" in listed.output
    done = runner.invoke(
        app, ["quarantine", "release", f"b_{DAY}.csv", "--config", config, "--home", str(home)]
    )
    assert done.exit_code == 0 and "released crm/" in done.output
    again = runner.invoke(
        app, ["quarantine", "release", f"b_{DAY}.csv", "--config", config, "--home", str(home)]
    )
    assert again.exit_code == 1


def test_dq_ingest_says_a_file_is_quarantined_and_what_to_do(
    settings: Settings, home: Path, tmp_path: Path
) -> None:
    export = tmp_path / "crm_export.csv"
    export.write_bytes(gzip.compress((HEADER + "K1,张三,13812345678\n").encode(), mtime=0))
    args = ["ingest", str(export), "--source", "crm", "--date", str(DAY), "--no-run"]
    result = CliRunner().invoke(app, [*args, "--config", str(PROJECT_ROOT / "dq.toml"), "--home", str(home)])
    assert result.exit_code == 1, result.output
    assert "quarantined" in result.output and "gzip" in result.output and "to do: decompress" in result.output
    assert "1 file(s) not loaded: crm_export.csv" in result.output


def test_an_old_warehouse_gains_the_new_quarantine_columns(tmp_path: Path) -> None:
    """A warehouse made before raw_bytes and raw.quarantined_files opens, and quarantines."""
    import duckdb

    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create schema raw")
    old.execute(
        "create table raw.quarantine (load_id varchar not null, source varchar not null, file_name varchar "
        "not null, line bigint, snapshot_date date not null, reason varchar not null, raw_text varchar)"
    )
    old.execute("insert into raw.quarantine values ('L', 'crm', 'f.csv', 2, '2026-01-01', 'old', 'x')")
    old.close()
    con = open_warehouse(path)
    try:
        query = "select column_name from duckdb_columns() where table_name = 'quarantine'"
        columns = [c for (c,) in con.sql(query).fetchall()]
        assert columns[-1] == "raw_bytes" and con.sql(
            "select count(*) from raw.quarantined_files"
        ).fetchone() == (0,)
        assert con.sql("select reason, raw_bytes from raw.quarantine").fetchall() == [("old", None)]
    finally:
        con.close()
