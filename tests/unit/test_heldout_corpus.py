"""The held-out export corpus (tests/fixtures/exports/heldout): exports of systems the proposer of
`dq source check` was not written against. Every file must onboard by its hand-written source block
through the real load and staging path, and map each record's fields to the values truth.json gives
(the generator's own people, as the file spells them)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import tomllib
from pathlib import Path

import polars as pl
import pytest

from dq_project.normalize import normalize_frame
from dq_project.settings import Settings, SourceSettings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.sources.mapping import to_canonical
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import query_sql

HELDOUT = Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "heldout"
TRUTH = json.loads((HELDOUT / "truth.json").read_text(encoding="utf-8"))
DAY = dt.date(2026, 11, 20)


def heldout_source(file: str) -> SourceSettings:
    block = tomllib.loads((HELDOUT / f"{Path(file).stem}.toml").read_text(encoding="utf-8"))
    return Settings.model_validate(block).sources[0]


def _script():
    spec = importlib.util.spec_from_file_location("make_heldout", HELDOUT / "make_heldout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_heldout_corpus_is_what_its_script_writes() -> None:
    module = _script()
    files, truth = module.build()
    assert len(files) >= 8
    for name, data in files.items():
        assert (HELDOUT / name).read_bytes() == data, name
    assert (HELDOUT / "truth.json").read_bytes() == module.truth_json(truth)
    assert sorted(p.stem for p in HELDOUT.glob("*.toml")) == sorted(Path(f).stem for f in files)


@pytest.mark.parametrize("file", sorted(TRUTH))
def test_heldout_export_onboards_by_configuration(file: str, tmp_path: Path) -> None:
    source = heldout_source(file)
    con = open_warehouse(tmp_path / "warehouse.duckdb")
    try:
        outcome = load_file(con, source, LandedFile(source.name, HELDOUT / file, DAY))
        rows = query_sql(
            con, "raw/select_partition_rows", snapshot_date=DAY.isoformat(), source=source.name
        ).pl()
    finally:
        con.close()
    truth = TRUTH[file]
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (len(truth), 0)
    assert 20 <= rows.height <= 50
    assert outcome.missing_columns == [], "every mapped column of the source block is in its export"

    canonical = to_canonical(rows, source)
    by_key = {str(r["source_record_id"]): r for r in canonical.iter_rows(named=True)}
    assert sorted(by_key) == sorted(truth)
    for record_id, fields in truth.items():
        for field, value in fields.items():
            got = by_key[record_id][field]
            got = None if got is None or not str(got).strip() else str(got).strip()
            assert got == value, (record_id, field)

    staged = normalize_frame(
        canonical, default_region=source.phone_region, date_order=source.date_order, today=DAY
    )
    assert staged.height == rows.height
    assert staged.filter(pl.col("source_record_id").is_null()).is_empty()
