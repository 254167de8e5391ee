"""Ingest with Spark's CSV reader (dq_project.engine.spark.ingest) against dq's own readers: on the
export corpus (tests/fixtures/exports) and on a file with bad lines, raw rows identical (row number
and record as received), the same lines quarantined, and a re-run loads nothing twice."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dq_project.sources.ingest import LandedFile, load_file, reading_with

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_export_corpus import CORPUS, DAY, EXPECTED, corpus_source  # noqa: E402

ROWS = "select row_number, cast(record as varchar) as record from raw.customer_rows order by row_number"
# DuckDB keeps the line break before a rejected line in its raw text; Spark does not
QUARANTINE = "select line, reason, trim(raw_text, chr(10) || chr(13)) from raw.quarantine order by line"


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    from dq_project.engine.spark.ingest import SparkReader
    from dq_project.engine.spark.session import start_session
    from dq_project.settings import EngineSettings

    lake = tmp_path_factory.mktemp("lake")
    return SparkReader(start_session(EngineSettings(kind="spark", master="local[2]"), str(lake)), str(lake))


def _load(tmp: Path, engine: str, source, path: Path, reader=None):
    from dq_project.warehouse.resource import open_warehouse

    con = open_warehouse(tmp / f"{engine}.duckdb")
    landed = LandedFile(source.name, path, DAY)
    if reader is None:
        outcome = load_file(con, source, landed)
    else:
        with reading_with(reader):
            outcome = load_file(con, source, landed)
            again = load_file(con, source, landed)
        assert again.status == "already_loaded", outcome  # idempotent: the file hash is in raw.loads
    return con, outcome


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_export_same_raw_on_both_engines(name, reader, tmp_path):
    from dq_project.engine.spark.ingest import driver_only

    source, path = corpus_source(name), CORPUS / EXPECTED[name]["file"]
    before = dict(reader.reads)
    duck, duck_outcome = _load(tmp_path, "duckdb", source, path)
    spark, spark_outcome = _load(tmp_path, "spark", source, path, reader)
    read_by = "driver" if driver_only(source, path) else "spark"
    assert reader.reads[read_by] == before[read_by] + 1
    assert spark_outcome.status == duck_outcome.status == "loaded"
    assert (spark_outcome.rows_loaded, spark_outcome.rows_quarantined) == (
        EXPECTED[name]["loaded"], EXPECTED[name]["quarantined"],
    )  # fmt: skip
    assert spark.sql(ROWS).fetchall() == duck.sql(ROWS).fetchall()
    assert spark.sql(QUARANTINE).fetchall() == duck.sql(QUARANTINE).fetchall()


def test_csv_exports_are_read_by_spark(reader):
    from dq_project.engine.spark.ingest import driver_only

    csvs = [n for n in EXPECTED if corpus_source(n).format == "csv"]
    on_spark = [n for n in csvs if not driver_only(corpus_source(n), CORPUS / EXPECTED[n]["file"])]
    assert len(on_spark) >= 4, on_spark


def _with_bad_lines(tmp_path: Path, bad: list[bytes]) -> Path:
    path = CORPUS / EXPECTED["salesforce_contacts"]["file"]
    lines = path.read_bytes().splitlines(keepends=True)
    landed = tmp_path / "landing" / "salesforce_contacts_bad.csv"
    landed.parent.mkdir()
    landed.write_bytes(b"".join(lines[:3] + [line + b"\r\n" for line in bad] + lines[3:]))
    return landed


def test_bad_lines_quarantined_on_both_engines(reader, tmp_path):
    """A row with too many fields and a short one: quarantined by Spark with DuckDB's line, reason
    and raw text; the good rows identical."""
    source = corpus_source("salesforce_contacts")
    fields = 18  # the export's header has 19 columns
    landed = _with_bad_lines(tmp_path, [b"X1" + b",x" * (fields + 3), b"X2,only"])
    before = reader.reads["spark"]
    duck, duck_outcome = _load(tmp_path, "duckdb", source, landed)
    spark, spark_outcome = _load(tmp_path, "spark", source, landed, reader)
    assert reader.reads["spark"] == before + 1
    assert duck_outcome.rows_quarantined == spark_outcome.rows_quarantined == 2
    assert spark_outcome.rows_loaded == duck_outcome.rows_loaded == EXPECTED["salesforce_contacts"]["loaded"]
    assert spark.sql(ROWS).fetchall() == duck.sql(ROWS).fetchall()
    quarantined = spark.sql(QUARANTINE).fetchall()
    assert quarantined == duck.sql(QUARANTINE).fetchall(), duck.sql(QUARANTINE).fetchall()
    assert [text for _, _, text in quarantined] == ["X1" + ",x" * 21, "X2,only"]
    assert [reason for _, reason, _ in quarantined] == [
        "; ".join(f"TOO MANY COLUMNS: Expected Number of Columns: 19 Found: {n}" for n in (20, 21, 22)),
        "; ".join(f"MISSING COLUMNS: Expected Number of Columns: 19 Found: {n}" for n in (2, 3, 4))
        + " (and 14 more errors)",
    ]


def test_undecodable_bytes_stay_on_the_driver(reader, tmp_path):
    """A byte that is not UTF-8: Spark would decode it to U+FFFD and lose it, so the file is read
    by dq's reader, which quarantines the line with its bytes."""
    source = corpus_source("salesforce_contacts")
    landed = _with_bad_lines(tmp_path, [b"X3" + b",\xff\xfe" * 18])
    before = reader.reads["driver"]
    spark, outcome = _load(tmp_path, "spark", source, landed, reader)
    assert reader.reads["driver"] == before + 1
    assert outcome.rows_quarantined == 1
    (raw_bytes,) = spark.sql("select raw_bytes from raw.quarantine").fetchone()
    assert b"\xff\xfe" in raw_bytes


def test_unclosed_quote_on_both_engines(reader, tmp_path):
    """An unclosed quote: both readers read on into the next record and quarantine the two as one
    record (its raw text holds both, so nothing is lost); the other rows load."""
    source = corpus_source("salesforce_contacts")
    landed = _with_bad_lines(tmp_path, [b'X4,"unclosed' + b",x" * 18])
    duck, duck_outcome = _load(tmp_path, "duckdb", source, landed)
    spark, spark_outcome = _load(tmp_path, "spark", source, landed, reader)
    assert (spark_outcome.rows_loaded, spark_outcome.rows_quarantined) == (
        duck_outcome.rows_loaded, duck_outcome.rows_quarantined,
    ) == (EXPECTED["salesforce_contacts"]["loaded"] - 1, 1)  # fmt: skip
    assert spark.sql(ROWS).fetchall() == duck.sql(ROWS).fetchall()
    ((line, reason, text),) = spark.sql(QUARANTINE).fetchall()
    ((duck_line, duck_reason, duck_text),) = duck.sql(QUARANTINE).fetchall()
    assert (line, text) == (duck_line, duck_text) and text.startswith('X4,"unclosed')
    assert "UNQUOTED VALUE" in reason and "UNQUOTED VALUE" in duck_reason
