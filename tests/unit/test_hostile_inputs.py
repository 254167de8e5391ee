"""The hostile-input corpus (tests/fixtures/hostile): each file through the real ingest, staging
normalizers and exports -- the whole file quarantined with a reason and an action, or every row
loaded or quarantined with a bounded reason and its whole raw text, and no spreadsheet formula
surviving an export."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dq_project.golden.export import PLAIN_NUMBER, export
from dq_project.normalize import normalize_frame
from dq_project.settings import Settings, SourceSettings
from dq_project.sources.file_quarantine import REASON_CHARS
from dq_project.sources.ingest import LandedFile, LoadOutcome, file_sha256, load_file
from dq_project.sources.landing import name_date
from dq_project.sources.mapping import to_canonical
from dq_project.sources.partition import read_canonical
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import query_sql
from dq_project.warehouse.versioned import GOLDEN, store_state

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
DAY = dt.date(2026, 1, 2)
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet", ".xlsx": "xlsx"}
MAPPING = {
    "source_record_id": "customer_id", "name": "full_name", "mobile": "mobile", "email": "email",
    "birth_date": "birthday", "address": "address", "company_name": "company",
}  # fmt: skip
# What a spreadsheet would run as a formula (OWASP: =, +, -, @, tab, CR at the start of a cell).
FORMULA = r"^[=+\-@\t\r]"
EXPORTED = ("name", "company_name", "address", "email", "mobile")


def _source(path: Path, expected: dict) -> SourceSettings:
    return SourceSettings(
        name="hostile",
        primary_key="customer_id",
        mapping=MAPPING,
        format=FORMATS[path.suffix],
        encoding=expected.get("encoding", "auto"),
        required_columns=expected.get("required_columns"),
    )


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    tables = ("raw.customer_rows", "raw.quarantine", "raw.loads")
    return tuple(con.sql(f"select count(*) from {t}").fetchone()[0] for t in tables)


def _staged(con: duckdb.DuckDBPyConnection, source: SourceSettings) -> pl.DataFrame:
    """The staging asset's mapping and normalizers over the loaded rows."""
    rows = query_sql(con, "raw/select_partition_rows", snapshot_date=DAY.isoformat(), source="hostile").pl()
    canonical = to_canonical(rows, source)
    assert read_canonical(con, DAY.isoformat(), source).equals(canonical)  # the staging asset's read
    return normalize_frame(canonical, default_region="CN", date_order="YMD", today=DAY)


def _export_round_trip(con: duckdb.DuckDBPyConnection, staged: pl.DataFrame, out_dir: Path) -> None:
    """Staged values as golden records, exported to CSV and xlsx: CSV formulas neutralized (numbers
    and E.164 phones left alone), text kept."""
    golden = staged.select(
        pl.format("G{}", pl.int_range(pl.len())).alias("golden_id"),
        *EXPORTED,
        pl.lit(1, pl.Int64).alias("record_count"),
        pl.lit("hostile").alias("sources"),
    )
    full = pl.DataFrame(schema={c: golden.schema.get(c, pl.String) for c in GOLDEN.key + GOLDEN.values})
    store_state(con, GOLDEN, DAY.isoformat(), pl.concat([full, golden], how="diagonal_relaxed").to_arrow())
    for suffix, read in ((".csv", pl.read_csv), (".xlsx", pl.read_excel)):
        out = out_dir / f"golden{suffix}"
        assert export(con, "golden", out, DAY) == golden.height
        back = read(out, infer_schema_length=0) if suffix == ".csv" else read(out)
        back = back.sort("golden_id")
        for field in EXPORTED:
            if field not in back.columns:  # an all-empty column may come back without a type
                continue
            cells = back[field].cast(pl.String)
            if suffix == ".csv":  # xlsx cells are strings, never evaluated: no neutralising needed
                risky = cells.str.contains(FORMULA) & ~cells.str.contains(PLAIN_NUMBER)
                assert not risky.any(), (suffix, field, cells.to_list())
            sent = golden[field].to_list()
            for cell, value in zip(cells.to_list(), sent, strict=True):
                if value and cell and len(value) < 32_000:  # an xlsx cell holds 32,767 characters
                    assert cell.removeprefix("'") == value.replace("\r\n", "\n") or cell == value


def _load(settings: Settings, path: Path, source: SourceSettings) -> LoadOutcome:
    """Load as the raw asset does: a date in the name is checked as discovery checks it."""
    _day, problem = name_date(path, source)
    con = open_warehouse(settings.warehouse_path)
    try:
        return load_file(con, source, LandedFile("hostile", path, DAY, problem))
    finally:
        con.close()


def _assert_quarantined_file(
    con: duckdb.DuckDBPyConnection, outcome: LoadOutcome, path: Path, text: str
) -> None:
    """The file is in raw.quarantined_files (hash, bounded reason, action), nothing of it in raw."""
    assert outcome.status == "quarantined", f"{path.name}: expected a quarantined file, got {outcome}"
    assert _counts(con) == (0, 0, 0), "a quarantined file stores no rows and no load"
    (row,) = con.sql(
        "select file_name, file_hash, kind, reason, action from raw.quarantined_files"
    ).fetchall()
    name, file_hash, kind, reason, action = row
    assert (name, file_hash, kind) == (path.name, file_sha256(path), "unreadable")
    assert text in reason and len(reason) <= REASON_CHARS + 40 and action


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_hostile_input(settings: Settings, tmp_path: Path, name: str) -> None:
    expected, path = MANIFEST[name], CORPUS / name
    assert path.stat().st_size < 200_000
    source = _source(path, expected)
    outcome = _load(settings, path, source)
    con = open_warehouse(settings.warehouse_path)
    try:
        if "quarantined_file" in expected:
            _assert_quarantined_file(con, outcome, path, expected["quarantined_file"])
            assert _load(settings, path, source).status == "quarantined", "the same bytes stay quarantined"
            return
        assert outcome.status == "loaded", f"{name}: {outcome!r}"
        loaded, quarantined, loads = _counts(con)
        assert (outcome.rows_loaded, outcome.rows_quarantined) == (loaded, quarantined)
        assert (loaded, quarantined) == (expected["loaded"], expected["quarantined"])
        assert loaded + quarantined == expected["rows"] and loads == 1
        reasons = [r for (r,) in con.sql("select reason from raw.quarantine").fetchall()]
        assert all(reasons) and all(len(r) <= REASON_CHARS for r in reasons)
        texts = con.sql("select raw_text, raw_bytes from raw.quarantine").fetchall()
        if "raw_text_chars" in expected:
            assert max(len(t) for t, _ in texts) == expected["raw_text_chars"]
        if expected.get("raw_bytes"):
            lines = path.read_bytes().splitlines()
            assert texts and all(b is not None and bytes(b) in lines for _, b in texts)
        if "reason" in expected:
            assert any(expected["reason"].lower() in r.lower() for r in reasons), reasons
        assert outcome.missing_columns == expected.get("missing", [])
        staged = _staged(con, source)
        assert staged.height == loaded
        text_columns = [c for c, t in staged.schema.items() if t == pl.String]
        assert (
            not staged.select(pl.any_horizontal(pl.col(text_columns).str.contains("\ufeff")))
            .to_series()
            .any()
        )
        for field, count in expected.get("invalid", {}).items():
            assert (staged[f"{field}_status"] == "invalid").sum() == count
        if loaded:
            _export_round_trip(con, staged, tmp_path)
    finally:
        con.close()


def test_the_corpus_is_big_enough_and_complete() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.suffix in FORMATS}
    assert files == set(MANIFEST) and len(files) >= 50


@pytest.mark.parametrize(
    ("char", "size", "expected"),
    [("名", 1 << 20, 2), ("x", 3 << 20, 1), ("名", 3 << 20, "longer than DuckDB's 2 MB line limit")],
)
def test_megabyte_fields(
    settings: Settings, tmp_path: Path, char: str, size: int, expected: int | str
) -> None:
    """A 1 MB field loads; a line beyond DuckDB's 2 MB limit is quarantined, or, holding multi-byte
    text DuckDB cannot store in its reject table, stops the load with a clear error."""
    path = tmp_path / "huge_field.csv"
    huge = "=" + char * (size // len(char.encode()))
    path.write_text(f'customer_id,full_name\nK1,"{huge}"\nK2,ok\n', encoding="utf-8")
    source = _source(path, {})
    outcome = _load(settings, path, source)
    if isinstance(expected, str):
        assert outcome.status == "quarantined" and expected in outcome.problem
        return
    assert outcome.status == "loaded", outcome
    assert (outcome.rows_loaded, outcome.rows_loaded + outcome.rows_quarantined) == (expected, 2)
    con = open_warehouse(settings.warehouse_path)
    try:
        if expected == 2:
            record = con.sql("select record->>'full_name' from raw.customer_rows where row_number = 1")
            assert record.fetchone()[0] == huge
        _export_round_trip(con, _staged(con, source), tmp_path)
    finally:
        con.close()
