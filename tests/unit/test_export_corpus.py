"""The export corpus (tests/fixtures/exports): every export onboarded by its source block alone,
through the real load (readers, header matching, quarantine) and the staging asset's mapping and
normalizers; named records must map to the values expected.toml gives."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import polars as pl
import pytest

from dq_project.normalize import normalize_source_frame
from dq_project.settings import Settings, SourceSettings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.sources.mapping import to_canonical
from dq_project.sources.partition import read_canonical
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import query_sql

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
DAY = dt.date(2026, 11, 20)


def corpus_source(name: str) -> SourceSettings:
    """The export's source block, validated as the project config is."""
    block = tomllib.loads((CORPUS / f"{name}.toml").read_text(encoding="utf-8"))
    return Settings.model_validate(block).sources[0]


def _value(mapped: dict, staged: dict, key: str) -> str | None:
    """A named value of a record: `attributes.x` an attribute, `staged.x` the normalized field,
    else the mapped (not yet normalized) canonical field."""
    if key.startswith("attributes."):
        attributes = json.loads(mapped["attributes"]) if mapped["attributes"] else {}
        value = attributes.get(key.removeprefix("attributes."))
    elif key.startswith("staged."):
        value = staged[key.removeprefix("staged.")]
    else:
        value = mapped[key]
    value = None if value is None else str(value).strip()
    return value or None


def test_the_corpus_has_the_systems_the_issue_names() -> None:
    assert len(EXPECTED) >= 8
    assert {p.suffix for p in CORPUS.iterdir() if p.stem in EXPECTED} >= {".csv", ".xlsx", ".jsonl", ".toml"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_export_onboards_by_configuration(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    source = corpus_source(name)
    con = open_warehouse(tmp_path / "warehouse.duckdb")
    try:
        outcome = load_file(con, source, LandedFile(source.name, CORPUS / expected["file"], DAY))
        rows = query_sql(
            con, "raw/select_partition_rows", snapshot_date=DAY.isoformat(), source=source.name
        ).pl()
        by_column = read_canonical(con, DAY.isoformat(), source)  # the staging asset's read
        quarantined = con.sql("select count(*) from raw.quarantine").fetchone()[0]
    finally:
        con.close()
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (expected["loaded"], expected["quarantined"])
    assert expected["rows"] == rows.height + quarantined == outcome.rows_loaded + outcome.rows_quarantined
    assert outcome.missing_columns == [], "every mapped column of the source block is in its export"

    canonical = to_canonical(rows, source)
    assert by_column.equals(canonical), "reading by column maps exactly as the whole records"
    staged = normalize_source_frame(canonical, source, DAY)
    assert staged.height == rows.height
    assert staged.filter(pl.col("source_record_id").is_null()).is_empty()
    mapped = {row["source_record_id"]: row for row in canonical.iter_rows(named=True)}
    normalized = {row["source_record_id"]: row for row in staged.iter_rows(named=True)}
    for record_id, fields in expected["records"].items():
        for key, value in fields.items():
            if key != "nulls":
                assert _value(mapped[record_id], normalized[record_id], key) == value.strip(), (
                    record_id,
                    key,
                )
        for key in fields.get("nulls", []):
            assert _value(mapped[record_id], normalized[record_id], key) is None, (record_id, key)


def test_every_corpus_source_block_validates() -> None:
    names = [p.stem for p in CORPUS.glob("*.toml") if p.stem != "expected"]
    assert sorted(names) == sorted(EXPECTED)
    for name in names:
        assert corpus_source(name).name == name


def test_the_corpus_is_what_its_script_writes() -> None:
    """make_exports.py is deterministic and the committed files are its output (xlsx included)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_exports", CORPUS / "make_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.files()
    assert sorted(written) == sorted(e["file"] for e in EXPECTED.values())
    for name, data in written.items():
        assert (CORPUS / name).read_bytes() == data, name


def test_the_corpus_resident_ids_carry_valid_check_digits() -> None:
    """The README says every resident ID in the corpus is valid; make_exports.py once passed a 17-digit
    body to python-stdnum's check (which drops the last character), and two IDs failed GB 11643."""
    from dq_project.normalize.cn_ids import resident_id_checksum_ok

    ids = [
        fields["id_number"]
        for source in EXPECTED.values()
        for fields in source["records"].values()
        if "id_number" in fields
    ]
    assert len(ids) >= 2
    checked = pl.DataFrame({"id": ids}).select(resident_id_checksum_ok(pl.col("id")))
    assert checked.to_series().all(), ids
