"""Match explanations for the review queue: Splink's waterfall chart, drawn as inline SVG.

A pair's match weight is the model's prior (log2 of the odds that two random records match) plus
one weight per comparison (log2 of the Bayes factor m/u of the level the pair reached, with any
term-frequency adjustment). The stored pair carries those weights (matching.review_queue.weights);
the levels and the prior come from the saved Splink model JSON. sql/matching/select_pair_explanations
pairs them up set-based; this module only lays out the bars of the (at most a few dozen) pairs shown.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import polars as pl

from dq_project.warehouse.sql import query_sql

WIDTH, ROW, LABEL_WIDTH, VALUE_WIDTH = 420, 14, 96, 150


def model_levels(models_dir: Path) -> tuple[pl.DataFrame, dict[str, float]]:
    """(customer_type, comparison, level, weight) of every saved model's levels, and each model's
    prior weight log2(lambda / (1 - lambda))."""
    rows, priors = [], {}
    for path in sorted(models_dir.glob("splink_*.json")):
        if path.name.count(".") != 1:  # splink_person.meta.json and the like
            continue
        customer_type = path.stem.removeprefix("splink_")
        model = json.loads(path.read_text(encoding="utf-8"))
        prior = model.get("probability_two_random_records_match")
        if prior and 0 < prior < 1:
            priors[customer_type] = math.log2(prior / (1 - prior))
        for comparison in model.get("comparisons", []):
            for level in comparison.get("comparison_levels", []):
                m, u = level.get("m_probability"), level.get("u_probability")
                weight = 0.0 if level.get("is_null_level") else (math.log2(m / u) if m and u else None)
                if weight is not None:
                    label = level.get("label_for_charts") or ""
                    rows.append((customer_type, comparison["output_column_name"], label, weight))
    schema = {"customer_type": pl.String, "comparison": pl.String, "level": pl.String, "weight": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row"), priors


def explanations(
    con: duckdb.DuckDBPyConnection, models_dir: Path, as_of_date: str, pairs: pl.DataFrame, labels: dict
) -> dict[tuple[str, str], dict]:
    """(record_key_l, record_key_r) -> the waterfall of that review pair (see `waterfall`)."""
    if pairs.is_empty():
        return {}
    levels, priors = model_levels(models_dir)
    con.register("model_levels", levels.to_arrow())
    con.register("explained_pairs", pairs.select("record_key_l", "record_key_r").to_arrow())
    try:
        rows = query_sql(con, "matching/select_pair_explanations", as_of_date=as_of_date).pl()
    finally:
        con.unregister("model_levels")
        con.unregister("explained_pairs")
    result = {}
    for (left, right), group in rows.group_by("record_key_l", "record_key_r", maintain_order=True):
        prior = priors.get(group["customer_type"][0])
        result[(left, right)] = waterfall(group.to_dicts(), prior, labels)
    return result


def comparison_label(comparison: str, labels: dict) -> str:
    """'mobile_address' -> the locale's name; 'cannot_link:twins' -> 'cannot-link: twins'."""
    if comparison.startswith("cannot_link:"):
        return f"{labels['cannot_link']}: {comparison.split(':', 1)[1]}"
    return labels.get(comparison, comparison)


def level_label(level: str, comparison: str, labels: dict) -> str:
    """Splink's generic level labels in the locale (exact match, null, else); dq's own level labels
    (written in the comparison library) as they are."""
    if level == f"Exact match on {comparison}":
        return labels["level_exact"]
    if level.endswith(" is NULL"):
        return labels["level_null"]
    if level == "All other comparisons":
        return labels["level_else"]
    return level


def waterfall(rows: list[dict], prior: float | None, labels: dict) -> dict:
    """Bars from the prior through each comparison (largest effect first) to the total: each bar
    starts where the previous one ended, on an x scale spanning every running sum and 0."""
    steps = [{"comparison": "prior", "label": labels["prior"], "level": "", "weight": prior or 0.0}]
    for row in sorted(rows, key=lambda r: -abs(r["weight"] or 0.0)):
        level = level_label(row["level"] or "", row["comparison"], labels)
        if level and not row["exact"]:
            level = f"≈ {level}"
        steps.append(
            {
                "comparison": row["comparison"],
                "label": comparison_label(row["comparison"], labels),
                "level": level,
                "weight": row["weight"] or 0.0,
            }
        )
    running, ends = 0.0, []
    for step in steps:
        step["start"] = running
        running += step["weight"]
        ends.append(running)
    low, high = min(0.0, *ends), max(0.0, *ends)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = plot / max(high - low, 1e-9)

    def x_of(value: float) -> float:
        return round(LABEL_WIDTH + (value - low) * scale, 1)

    bars = []
    for i, step in enumerate(steps):
        end = step["start"] + step["weight"]
        kind = "total" if i == 0 else ("pos" if step["weight"] >= 0 else "neg")
        left, right = sorted((x_of(step["start"]), x_of(end)))
        bars.append({**step, "kind": kind, "x": left, "w": max(round(right - left, 1), 1.0)})
    total = {"comparison": "total", "label": labels["total"], "level": "", "weight": running, "kind": "total"}
    left, right = sorted((x_of(0.0), x_of(running)))
    bars.append({**total, "x": left, "w": max(round(right - left, 1), 1.0)})
    return {"bars": bars, "width": WIDTH, "row": ROW, "height": ROW * len(bars) + 14, "zero": x_of(0.0),
            "total": running}  # fmt: skip
