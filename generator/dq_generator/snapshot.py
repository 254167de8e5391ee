"""generate(): one day's sample snapshot of both sources plus its ground truth."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from dq_generator import defects, duplicates, records, writer
from dq_generator.entities import build_entities
from dq_generator.formats import draw_timestamps, timestamp_text

# One random stream per concern, so that changing the snapshot date (which only the timestamp
# stream sees) leaves entities, records and defects unchanged.
_ENTITIES, _LAYOUT, _RENDER, _DEFECTS, _TIMES = range(5)


@dataclass(frozen=True)
class GeneratedSnapshot:
    """Where generate() wrote a snapshot, and its size."""

    files: dict[str, Path]
    truth_dir: Path
    entity_count: int
    record_count: int


def generate(
    rows: int, seed: int, out_dir: Path, snapshot_date: dt.date, web_share: float = 0.0
) -> GeneratedSnapshot:
    """Write `rows` customer records (about 55% crm, 45% erp) for `snapshot_date` under `out_dir`.

    Files: crm/crm_<date>.csv, erp/erp_<date>.csv, _truth/entities.csv, _truth/defects.csv.
    The same seed gives the same bytes; another snapshot date keeps the entities, records and
    defects and only moves the created/updated times.

    `web_share` > 0 adds a third source: that share of the erp records (chosen by record id, so
    the same ones every date) is written instead as web/web_<date>.jsonl, a web-form export in
    JSON Lines with English keys, so benchmarks can exercise a CSV, a BOM CSV and a JSONL source.
    """
    if not 0.0 <= web_share < 1.0:
        raise ValueError(f"web_share must be in [0, 1), got {web_share}")
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")

    def stream(key: int) -> np.random.Generator:
        return np.random.default_rng([seed, key])

    out_dir = Path(out_dir)
    entities = build_entities(stream(_ENTITIES), rows)
    layout = records.layout(stream(_LAYOUT), entities["records"].to_numpy())
    work = records.draw(stream(_RENDER), entities, layout)
    defect_stream = stream(_DEFECTS)
    masks = defects.draw_defects(defect_stream, work)
    work = records.render(duplicates.keep_evidence(work, masks))
    created, updated = draw_timestamps(stream(_TIMES), rows, snapshot_date)
    work = work.with_columns(created_ts=pl.Series(created), updated_ts=pl.Series(updated))
    work, truth = defects.plant(defect_stream, work, masks)
    work = work.with_columns(
        created_at=timestamp_text(pl.col("source"), pl.col("created_ts")),
        updated_at=timestamp_text(pl.col("source"), pl.col("updated_ts")),
    )
    if web_share:
        work = writer.split_web(work, web_share)
    files = writer.write_sources(work, out_dir, snapshot_date)
    truth_dir = writer.write_truth(work, truth, out_dir)
    return GeneratedSnapshot(
        files=files, truth_dir=truth_dir, entity_count=entities.height, record_count=work.height
    )
