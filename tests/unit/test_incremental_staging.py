"""Incremental staging (issue 25): a full snapshot with 1% changed rows normalizes only the changed
rows and copies the others forward, and the staged partition equals a full recompute of that day,
including a row whose outcome depends on the date (a birth date in the future on day 1 only)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dq_generator import generate

from dq_project.assets.raw import customer_rows
from dq_project.assets.staging import customers
from dq_project.normalize import incremental
from dq_project.settings import PROJECT_ROOT, load_settings
from dq_project.warehouse.resource import WarehouseResource, open_warehouse

DAY1, DAY2 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
CONFIG = PROJECT_ROOT / "dq.toml"


def _day2_files(day1: dict[str, Path], landing: Path) -> int:
    """Day 1's files again as day 2's, 1% of the rows with an edited address; one row's birthday
    set to day 2 (a future date on day 1) on both days."""
    changed = 0
    for source, path in day1.items():
        frame = pl.read_csv(path, infer_schema=False)
        key, birthday, address = frame.columns[0], frame.columns[4], frame.columns[14]
        frame = frame.with_columns(
            pl.when(pl.int_range(pl.len()) == 5)
            .then(pl.lit(DAY2.isoformat()))
            .otherwise(birthday)
            .alias(birthday)
        )
        frame.write_csv(path, include_bom=source == "erp")  # day 1 gets the future birthday too
        pick = pl.col(key).hash(3) % 100 == 0
        changed += frame.select(pick.sum()).item()
        edited = frame.with_columns(
            pl.when(pick).then(pl.col(address) + "附1号").otherwise(address).alias(address)
        )
        target = landing / source / path.name.replace(DAY1.isoformat(), DAY2.isoformat())
        target.parent.mkdir(parents=True, exist_ok=True)
        edited.write_csv(target, include_bom=source == "erp")
    return changed


def _stage(home: Path, day: dt.date) -> None:
    result = dg.materialize(
        [customer_rows, customers],
        partition_key=day.isoformat(),
        resources={"warehouse": WarehouseResource(config_path=str(CONFIG), home=str(home))},
    )
    assert result.success


def _staged(home: Path, day: dt.date) -> pl.DataFrame:
    con = open_warehouse(load_settings(CONFIG, home=home, env={}).warehouse_path)
    try:
        frame = con.execute(
            "select * exclude (load_id) from staging.customers where snapshot_date = ? order by record_key",
            [day],
        ).pl()
    finally:
        con.close()
    return frame


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    root = tmp_path_factory.mktemp("incremental")
    incremental_home, full_home = root / "inc", root / "full"
    snapshot = generate(3000, 9, incremental_home / "landing", DAY1)
    changed = _day2_files(snapshot.files, incremental_home / "landing")
    for source in snapshot.files:  # the full recompute sees day 2's files only
        folder = full_home / "landing" / source
        folder.mkdir(parents=True)
        for path in (incremental_home / "landing" / source).glob(f"*{DAY2}*"):
            shutil.copyfile(path, folder / path.name)
    return incremental_home, full_home, changed


def test_a_one_percent_day_normalizes_only_the_changed_rows_and_equals_a_full_recompute(
    homes, monkeypatch: pytest.MonkeyPatch
) -> None:
    incremental_home, full_home, changed = homes
    _stage(incremental_home, DAY1)
    heights: list[int] = []
    real = incremental.normalize_source_frame

    def counting(frame, source, today):
        heights.append(frame.height)
        return real(frame, source, today)

    monkeypatch.setattr(incremental, "normalize_source_frame", counting)
    _stage(incremental_home, DAY2)
    # the changed rows, plus rows whose birth date, ID number or identifier was not accepted
    assert 0 < changed <= sum(heights) < 0.2 * 3000
    monkeypatch.undo()
    _stage(full_home, DAY2)
    incremental_rows, full_rows = _staged(incremental_home, DAY2), _staged(full_home, DAY2)
    assert incremental_rows.height == full_rows.height == 3000
    assert incremental_rows.equals(full_rows)
    future = incremental_rows.filter(pl.col("birth_date") == DAY2)
    assert future.height >= 1 and set(future["birth_date_status"]) <= {"ok", "normalized"}
    day1 = _staged(incremental_home, DAY1)
    assert day1.filter(pl.col("birth_date_status") == "invalid").height >= 1


def test_a_same_date_rerun_and_a_changed_setting_stay_correct(homes) -> None:
    incremental_home, full_home, _ = homes
    _stage(incremental_home, DAY2)  # a re-run of day 2: compared with day 1 again, same result
    assert _staged(incremental_home, DAY2).equals(_staged(full_home, DAY2))
    settings = load_settings(CONFIG, home=incremental_home, env={})
    crm = settings.source("crm")
    changed = crm.model_copy(update={"phone_region": "HK"})
    assert incremental.fingerprint(crm, "1") != incremental.fingerprint(changed, "1")
    assert incremental.fingerprint(crm, "1") != incremental.fingerprint(crm, "2")
