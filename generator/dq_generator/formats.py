"""How each source writes types, genders, dates and timestamps.

crm: person/company, M/F or male/female, 1985-03-12, 2023-01-05 10:22:33.
erp: 个人/企业, 男/女, 1985/3/12 or 1985年3月12日, 2023/01/05 10:22 (no seconds).
Dates are assembled from year/month/day integers, so impossible dates (1990-02-30) can be written.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

CRM, ERP = "crm", "erp"
SOURCES = (CRM, ERP)
WEB = "web"  # the optional third source, split from erp (writer.split_web)
_TIME_START = dt.datetime(2018, 1, 1)


def type_text(source: pl.Expr, is_company: pl.Expr) -> pl.Expr:
    """customer_type as each source writes it."""
    crm = pl.when(is_company).then(pl.lit("company")).otherwise(pl.lit("person"))
    erp = pl.when(is_company).then(pl.lit("企业")).otherwise(pl.lit("个人"))
    return pl.when(source == CRM).then(crm).otherwise(erp)


def gender_text(source: pl.Expr, male: pl.Expr, long_form: pl.Expr) -> pl.Expr:
    """gender: crm M/F (or male/female where long_form), erp 男/女."""
    crm = (
        pl.when(long_form)
        .then(pl.when(male).then(pl.lit("male")).otherwise(pl.lit("female")))
        .otherwise(pl.when(male).then(pl.lit("M")).otherwise(pl.lit("F")))
    )
    erp = pl.when(male).then(pl.lit("男")).otherwise(pl.lit("女"))
    return pl.when(source == CRM).then(crm).otherwise(erp)


def date_text(source: pl.Expr, y: pl.Expr, m: pl.Expr, d: pl.Expr, chinese: pl.Expr) -> pl.Expr:
    """Dates from integer parts: crm 1985-03-12; erp 1985/3/12, or 1985年3月12日 where chinese."""
    ys, ms, ds = y.cast(pl.String), m.cast(pl.String), d.cast(pl.String)
    crm = pl.concat_str(ys, pl.lit("-"), ms.str.zfill(2), pl.lit("-"), ds.str.zfill(2))
    erp = (
        pl.when(chinese)
        .then(pl.concat_str(ys, pl.lit("年"), ms, pl.lit("月"), ds, pl.lit("日")))
        .otherwise(pl.concat_str(ys, pl.lit("/"), ms, pl.lit("/"), ds))
    )
    return pl.when(source == CRM).then(crm).otherwise(erp)


def timestamp_text(source: pl.Expr, ts: pl.Expr) -> pl.Expr:
    """Timestamps: crm 2023-01-05 10:22:33, erp 2023/01/05 10:22."""
    return (
        pl.when(source == CRM)
        .then(ts.dt.strftime("%Y-%m-%d %H:%M:%S"))
        .otherwise(ts.dt.strftime("%Y/%m/%d %H:%M"))
    )


def draw_timestamps(
    rng: np.random.Generator, n: int, snapshot_date: dt.date
) -> tuple[np.ndarray, np.ndarray]:
    """(created_at, updated_at) as datetime64[ms] in whole seconds: created between 2018-01-01 and
    the end of the snapshot date, updated at or after created (a third of records were never edited).

    Only uniform fractions are drawn, so another snapshot date stretches the times of the same records.
    """
    end = dt.datetime.combine(snapshot_date, dt.time(23, 59, 59))
    if end <= _TIME_START:
        raise ValueError(f"snapshot_date must be after {_TIME_START.date()}, got {snapshot_date}")
    span = int((end - _TIME_START).total_seconds())
    created_frac, edited, updated_frac = rng.random(n), rng.random(n) >= 0.33, rng.random(n)
    created_s = (created_frac * span).astype(np.int64)
    # Edits cluster soon after creation (square of a uniform), up to the snapshot.
    updated_s = created_s + np.where(edited, (updated_frac**2 * (span - created_s)).astype(np.int64), 0)
    start = np.datetime64(_TIME_START, "ms")
    created = start + created_s.astype("timedelta64[s]").astype("timedelta64[ms]")
    return created, start + updated_s.astype("timedelta64[s]").astype("timedelta64[ms]")
