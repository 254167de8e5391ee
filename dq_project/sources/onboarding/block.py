"""What `dq source check` shows and writes: the column profile (masked examples), five rows mapped
and normalized by the real mapping and normalizers, and the `[[sources]]` block in the mapping
language of OWNERSHIP.md (validated by SourceSettings before anything is written)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import polars as pl

from dq_project.governance.masking import mask_text
from dq_project.normalize import normalize_frame
from dq_project.settings import CANONICAL_FIELDS, SourceSettings
from dq_project.sources.mapping import to_canonical
from dq_project.sources.onboarding.accuracy import value_columns
from dq_project.sources.onboarding.propose import Proposal
from dq_project.sources.onboarding.sample import Sample

PREVIEW_ROWS = 5
PII_SHAPES = {"mobile": r"1[3-9]\d{9}", "id_number": r"\d{17}[\dXx]", "email": r"@"}


def profile(sample: Sample, proposal: Proposal) -> list[dict]:
    """Per column: fill rate, distinct values, up to 3 examples (masked as the field they map to,
    or as a mobile / ID / e-mail when the values look like one, else cut short)."""
    by_column = _fields_by_column(proposal)
    rows = []
    frame = sample.frame
    for column in frame.columns:
        values = frame[column].str.strip_chars()
        filled = values.filter(values.fill_null("") != "")
        field = by_column.get(column.strip()) or _pii_shape(filled)
        examples = [mask_text(field or "", v) for v in filled.unique(maintain_order=True).head(3).to_list()]
        rows.append({
            "column": column, "fill": filled.len() / frame.height if frame.height else 0.0,
            "distinct": filled.n_unique(), "examples": examples, "field": by_column.get(column.strip()),
        })  # fmt: skip
    return rows


def _pii_shape(values: pl.Series) -> str | None:
    for field, pattern in PII_SHAPES.items():
        if values.len() and values.str.contains(pattern).mean() >= 0.5:
            return field
    return None


def _fields_by_column(proposal: Proposal) -> dict[str, str]:
    found = {}
    for field, value in proposal.mapping.items():
        for column in sorted(value_columns(value)):
            found.setdefault(column, field)
    return found


def source_settings(name: str, sample: Sample, proposal: Proposal, pattern: str) -> SourceSettings:
    """The proposal as a source (raises pydantic's ValidationError if it would not load)."""
    options = {"encoding": sample.encoding or "auto"} if sample.format in ("csv", "jsonl") else {}
    if sample.format == "csv" and sample.delimiter != ",":
        options["delimiter"] = sample.delimiter
    if sample.format == "xlsx" and sample.sheet is not None:
        options["sheet"] = sample.sheet
    if sample.header_row != 1:
        options["header_row"] = sample.header_row
    return SourceSettings(
        name=name, pattern=pattern, format=sample.format, primary_key=proposal.primary_key,
        mapping=copy.deepcopy(proposal.mapping), defaults=dict(proposal.defaults), **options,
    )  # fmt: skip


def preview(
    source: SourceSettings, sample: Sample, today: dt.date
) -> list[dict[str, tuple[str | None, str]]]:
    """The first PREVIEW_ROWS rows mapped and normalized: field -> (masked value, status)."""
    rows = pl.DataFrame(
        {"load_id": ["check"] * len(sample.records[:PREVIEW_ROWS]),
         "row_number": list(range(1, len(sample.records[:PREVIEW_ROWS]) + 1)),
         "record": sample.records[:PREVIEW_ROWS]},
        schema={"load_id": pl.String, "row_number": pl.Int64, "record": pl.String},
    )  # fmt: skip
    normalized = normalize_frame(
        to_canonical(rows, source),
        default_region=source.phone_region,
        date_order=source.date_order,
        today=today,
    )
    shown = []
    for row in normalized.iter_rows(named=True):
        fields = {}
        for field in CANONICAL_FIELDS:
            if field not in source.mapping and field not in source.defaults:
                continue
            status = row.get(f"{field}_status") or ("ok" if row.get(field) is not None else "missing")
            value = row.get(field)
            fields[field] = (None if value is None else mask_text(field, value), str(status))
        shown.append(fields)
    return shown


def toml_value(value: object) -> str:
    """A mapping value in TOML: a string, an array, or an inline table (JSON strings are TOML strings)."""
    if isinstance(value, str):
        if "\\" in value and "'" not in value and "\n" not in value:
            return f"'{value}'"  # a regex reads best as a literal string
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def source_block(source: SourceSettings, mapping: dict[str, object], notes: list[str]) -> str:
    """The `[[sources]]` block for the config, `mapping` written as proposed (checked to load)."""
    lines = ["", f"# Proposed by `dq source check` on {dt.date.today()}; review before the first run."]
    lines += [f"# {note}" for note in notes]
    lines += ["[[sources]]", f"name = {toml_value(source.name)}", f"pattern = {toml_value(source.pattern)}",
              f"format = {toml_value(source.format)}"]  # fmt: skip
    defaults = SourceSettings.model_fields
    for key in ("encoding", "delimiter", "sheet", "header_row"):
        value = getattr(source, key)
        if value != defaults[key].default:
            lines.append(f"{key} = {toml_value(value) if isinstance(value, str) else value}")
    lines.append(f"primary_key = {toml_value(source.primary_key)}")
    if source.defaults:
        lines.append(f"defaults = {toml_value(source.defaults)}")
    lines.append("[sources.mapping]")
    lines += [f"{field} = {toml_value(mapping[field])}" for field in CANONICAL_FIELDS if field in mapping]
    block = "\n".join(lines) + "\n"
    parsed = tomllib.loads(block)["sources"][0]
    SourceSettings(**copy.deepcopy(parsed))  # what is written loads
    return block


def pattern_for(path: Path) -> str:
    """The file name with its date (and what follows it) as a wildcard: crm_2026-01-02.csv -> crm_*.csv."""
    stem = re.sub(r"[_-]?\d{4}-?\d{2}-?\d{2}.*$", "", path.stem)
    return f"{stem}*{path.suffix}"
