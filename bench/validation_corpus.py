"""Rule flags on the export corpus (tests/fixtures/exports/): how often dq's rules flag a filled field.

python -m bench validation_corpus     (or: python -m bench.validation_corpus [DIR])

Every export is read the way the pipeline reads it: its source block validated as the config is,
the file loaded by `load_file` (the real readers: xlsx title rows, JSON Lines paths, GBK), mapped by
`to_canonical` and normalized with the source's settings, then judged by the configured rules (the
source's `[sources.rules]` applied). Per export: the filled fields (status not missing) and the
fields some rule flags (timeliness measures excluded); each flag is listed with its rule and reason
so it can be classified as a defect the export really holds or a false flag.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import tomllib
from pathlib import Path

import polars as pl
from dq_generator.accuracy import MEASURES

from dq_project.expectations import load_rules, run_rules
from dq_project.normalize import normalize_source_frame
from dq_project.settings import Settings, SourceSettings
from dq_project.sources.ingest import LandedFile, load_file
from dq_project.sources.mapping import to_canonical
from dq_project.warehouse.resource import open_warehouse
from dq_project.warehouse.sql import query_sql

DAY = dt.date(2026, 11, 20)
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "exports"


def stage_export(folder: Path, source: SourceSettings, workdir: Path) -> pl.DataFrame:
    """The export's staged records (staging.customers columns plus record_key)."""
    export = next(folder.glob(source.pattern))
    con = open_warehouse(workdir / f"{source.name}.duckdb")
    try:
        load_file(con, source, LandedFile(source.name, export, DAY))
        rows = query_sql(
            con, "raw/select_partition_rows", snapshot_date=DAY.isoformat(), source=source.name
        ).pl()
    finally:
        con.close()
    staged = normalize_source_frame(to_canonical(rows, source), source, DAY)
    return staged.with_columns(record_key=pl.format("{}:{}", "source", "source_record_id"))


def _flags(staged: pl.DataFrame, rules) -> tuple[int, pl.DataFrame]:
    """(filled fields, the flagged filled fields with rule and reason)."""
    failures = run_rules(staged, rules, DAY).failures.filter(~pl.col("rule_id").is_in(MEASURES))
    statuses = [c for c in staged.columns if c.endswith("_status")]
    filled = (
        staged.select("record_key", *statuses)
        .unpivot(index="record_key", variable_name="field", value_name="status")
        .filter(pl.col("status") != "missing")
        .with_columns(pl.col("field").str.strip_suffix("_status"))
    )
    values = staged.unpivot(
        index="record_key", on=[s.removesuffix("_status") for s in statuses], value_name="value"
    )
    flagged = (
        failures.join(filled, on=["record_key", "field"], how="semi")
        .join(values.rename({"variable": "field"}), on=["record_key", "field"], how="left")
        .select("record_key", "field", "rule_id", "reason", "value")
        .sort("field", "rule_id", "record_key")
    )
    return filled.height, flagged


def main(folder: Path = CORPUS) -> None:
    total_filled = total_flagged = 0
    with tempfile.TemporaryDirectory() as tmp:
        for block in sorted(folder.glob("*.toml")):
            if block.name == "expected.toml":
                continue
            source = Settings.model_validate(tomllib.loads(block.read_text(encoding="utf-8"))).sources[0]
            rules = load_rules(scopes={source.name: source.rules.model_dump()})
            staged = stage_export(folder, source, Path(tmp))
            filled, flagged = _flags(staged, rules)
            fields = flagged.select("record_key", "field").unique().height
            total_filled += filled
            total_flagged += fields
            print(
                f"{source.name:24s} records={staged.height:4d} filled fields={filled:5d} "
                f"flagged={fields:4d} ({fields / max(filled, 1):.2%})"
            )
            for row in flagged.iter_rows(named=True):
                print(f"    {row['record_key']:48s} {row['field']:12s} {row['rule_id']:28s} "
                      f"{row['reason'] or '':16s} {row['value']}")  # fmt: skip
    rate = total_flagged / max(total_filled, 1)
    print(f"corpus: {total_flagged} of {total_filled} filled fields flagged = {rate:.3%}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
