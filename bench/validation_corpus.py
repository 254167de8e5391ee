"""Rule flags on the export corpus (issue 19's tests/fixtures/exports/, read from a path).

python -m bench.validation_corpus DIR   (e.g. ../i19a/tests/fixtures/exports)

The corpus has no planted defects, so every flag counts against dq: per export, the filled fields
(status not missing) and the fields some rule flags (timeliness measures excluded). Its source blocks
use issue 19's mapping language; this bench interprets the part it needs (a column, a list of
columns, `codes`, `pattern`, `when`/`then`/`else`) and reads CSV and flat JSONL exports (the xlsx ones
need issue 19's title-row handling and are skipped, as is a nested `path`).
"""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from pathlib import Path

import polars as pl

from dq_project.expectations import load_rules, run_rules
from dq_project.expectations.accuracy import MEASURES
from dq_project.normalize import normalize_frame
from dq_project.settings import CANONICAL_FIELDS

DAY = dt.date(2026, 11, 20)


def _value(spec, raw: pl.DataFrame) -> pl.Expr | None:
    """A mapping value as a polars expression over the raw columns (None: not interpretable here)."""
    names = {c.strip().lstrip("\ufeff"): c for c in raw.columns}
    if isinstance(spec, str):
        return pl.col(names[spec.strip()]) if spec.strip() in names else None
    if isinstance(spec, list):
        parts = [pl.col(names[c]) for c in spec if c in names]
        return pl.concat_str(parts, separator=" ", ignore_nulls=True) if parts else None
    if "when" in spec:
        cond = spec["when"]
        column = names.get(cond["column"])
        if column is None:
            return None
        test = (
            pl.col(column).str.strip_chars() == cond["equals"]
            if "equals" in cond
            else pl.col(column).is_in(cond.get("in", []))
        )
        then = _value(spec["then"], raw)
        other = _value(spec["else"], raw) if "else" in spec else pl.lit(None, pl.String)
        return pl.when(test).then(then).otherwise(other) if then is not None else None
    if "path" in spec or "columns" in spec:
        return None
    base = _value(spec["column"], raw)
    if base is None:
        return None
    if "pattern" in spec:
        base = base.str.extract(spec["pattern"], spec.get("group", 1))
    if "codes" in spec:
        codes = spec["codes"]
        other = spec.get("codes_other", "keep")
        default = base if other == "keep" else pl.lit(None if other == "null" else other, pl.String)
        base = base.str.strip_chars().replace_strict(list(codes), list(codes.values()), default=default)
    return base


def stage_export(folder: Path, block: Path) -> pl.DataFrame | None:
    source = tomllib.loads(block.read_text(encoding="utf-8"))["sources"][0]
    files = sorted(folder.glob(source["pattern"]))
    nested = any(
        isinstance(v, dict) and "path" in v or isinstance(v, str) and "." in v
        for v in source["mapping"].values()
    )
    if not files or source.get("format", "csv") != "csv" or nested:
        return None
    path = files[0]
    encoding = source.get("encoding", "utf-8").replace("utf-8-sig", "utf-8").replace("auto", "utf-8")
    text = path.read_bytes().decode(encoding, errors="replace")
    raw = pl.read_csv(text.encode(), infer_schema=False, truncate_ragged_lines=True)
    mapping = dict(source["mapping"])
    country = source.get("attributes", {}).get("country")
    if country is not None:
        mapping["country"] = country
    columns = {"source": pl.lit(source["name"])}
    for field, spec in mapping.items():
        if field in CANONICAL_FIELDS and (expr := _value(spec, raw)) is not None:
            columns[field] = expr.cast(pl.String)
    for field, value in source.get("defaults", {}).items():
        columns.setdefault(field, pl.lit(value))
    canonical = raw.select(**columns)
    staged = normalize_frame(
        canonical,
        default_region=source.get("phone_region", "CN"),
        date_order=source.get("date_order", "YMD"),
        today=DAY,
        default_country=source.get("country") or source.get("phone_region", "CN"),
    )
    return staged.with_columns(record_key=pl.format("{}:{}", "source", "source_record_id"))


def main(folder: Path) -> None:
    rules = load_rules()
    total_valid = total_flagged = 0
    rows = []
    for block in sorted(folder.glob("*.toml")):
        if block.name == "expected.toml":
            continue
        staged = stage_export(folder, block)
        if staged is None:
            print(f"{block.stem}: skipped (xlsx, or nested JSON paths: issue 19's readers)")
            continue
        failures = run_rules(staged, rules, DAY).failures
        flags = failures.filter(~pl.col("rule_id").is_in(MEASURES)).select("record_key", "field").unique()
        statuses = [c for c in staged.columns if c.endswith("_status")]
        filled = (
            staged.select("record_key", *statuses)
            .unpivot(index="record_key", variable_name="field", value_name="status")
            .filter(pl.col("status") != "missing")
            .with_columns(pl.col("field").str.strip_suffix("_status"))
        )
        flagged_fields = filled.join(flags, on=["record_key", "field"], how="semi")
        flagged = flagged_fields.height
        failures = failures.join(flagged_fields, on=["record_key", "field"], how="semi")
        filled = filled.height
        total_valid += filled
        total_flagged += flagged
        by_rule = failures.group_by("rule_id", "reason").len().sort("len", descending=True).head(4).rows()
        rows.append((block.stem, staged.height, filled, flagged))
        print(
            f"{block.stem:24s} records={staged.height:4d} filled fields={filled:5d} flagged={flagged:4d} "
            f"({flagged / max(filled, 1):.2%})  {by_rule}"
        )
    rate = total_flagged / max(total_valid, 1)
    print(f"corpus: {total_flagged} of {total_valid} filled fields flagged = {rate:.3%}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
