"""Inline SVG line charts for the audit report and the index: coordinates only, the template draws them.

Every chart carries what a reader needs without hovering: dates on the x axis (first, last and a
few between), the value range on the y axis, and both axis titles; each point also has a <title>
(the browser's tooltip) with its series, date and value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

WIDTH, HEIGHT = 320, 110
SPARK_WIDTH, SPARK_HEIGHT = 90, 22
MAX_X_TICKS = 4
COLORS = ("#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#be185d")


@dataclass(frozen=True)
class Series:
    label: str
    color: str
    points: list[tuple[float, float, str, float]]  # x, y, date, value


@dataclass(frozen=True)
class Chart:
    title: str
    series: list[Series]
    y_min: float
    y_max: float
    width: int = WIDTH
    height: int = HEIGHT
    x_ticks: tuple[tuple[float, str], ...] = ()  # x, ISO date: the dates written under the x axis


def line_chart(
    frame: pl.DataFrame, title: str, by: str = "scope", names: dict[str, str] | None = None
) -> Chart:
    """One series per value of `by` over snapshot_date (columns snapshot_date, measure, by), each
    series named by `names` (e.g. 'overall' -> the locale's word) or its own value.

    The y axis spans the observed range (padded, capped to 0..1) so small changes stay visible.
    """
    data = frame.filter(pl.col("measure").is_not_null()).sort("snapshot_date")
    values = data["measure"].to_list()
    low = max(0.0, min(values, default=0.0) - 0.02)
    high = min(1.0, max(values, default=1.0) + 0.02)
    if high - low < 0.05:
        low = max(0.0, high - 0.05)
    return _chart(data, title, by, low, high, WIDTH, HEIGHT, names or {})


def sparkline(frame: pl.DataFrame, title: str) -> Chart:
    """A small one-series chart of a failing ratio over snapshot_date, from 0 up to its maximum."""
    data = (
        frame.filter(pl.col("measure").is_not_null()).sort("snapshot_date").with_columns(series=pl.lit(title))
    )
    high = min(1.0, max(max(data["measure"].to_list(), default=0.0) * 1.1, 0.01))
    return _chart(data, title, "series", 0.0, high, SPARK_WIDTH, SPARK_HEIGHT, {})


def x_ticks(dates: list[dt.date], x_of: dict[dt.date, float]) -> tuple[tuple[float, str], ...]:
    """At most MAX_X_TICKS evenly spread dates, always the first and the last."""
    if not dates:
        return ()
    if len(dates) <= MAX_X_TICKS:
        chosen = dates
    else:
        step = (len(dates) - 1) / (MAX_X_TICKS - 1)
        chosen = [dates[round(i * step)] for i in range(MAX_X_TICKS)]
    return tuple((x_of[d], d.isoformat()) for d in chosen)


def _chart(
    data: pl.DataFrame,
    title: str,
    by: str,
    low: float,
    high: float,
    width: int,
    height: int,
    names: dict[str, str],
) -> Chart:
    dates = sorted(set(data["snapshot_date"].to_list()))
    step = width / max(len(dates) - 1, 1)
    x_of = {day: round(i * step, 1) for i, day in enumerate(dates)}
    series = []
    for i, (label, group) in enumerate(data.group_by(by, maintain_order=True)):
        points = [
            (x_of[day], round(height - (value - low) / (high - low) * height, 1), day.isoformat(), value)
            for day, value in group.select("snapshot_date", "measure").iter_rows()
        ]
        name = str(label[0])
        series.append(Series(names.get(name, name), COLORS[i % len(COLORS)], points))
    return Chart(title, series, low, high, width, height, x_ticks(dates, x_of))
