"""Dates and timestamps in the formats CRM/ERP exports use, parsed vectorized.

The layouts the two sources write (2023-01-05 10:22:33, 2023/01/05 10:22, 1985-03-12, 1985/3/12)
are parsed by a short list of `str.strptime(strict=False)` formats, coalesced. The distinct values
left over go through one regex that splits them into parts (year-first with - / . 年月日
separators, compact 20230105, or year-last 05/01/2023 resolved by `date_order`, optional time and
UTC offset); the parts are checked and assembled with integer arithmetic, so impossible dates
(1990-02-30) come back null. A long format list alone was not used: each format is a full pass,
and polars' parsers disagree on padding (`%Y-%m-%d` rejects 2023-1-5, `%Y/%m/%d` accepts 2023/1/5).
Excel serial day numbers (44931 -> 2023-01-05) are accepted too.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl

from dq_project.normalize.text import RAW, clean_text, field_frame, field_reason, field_status, keep_if, once
from dq_project.settings import DEFAULT_BIRTH_DATE_MIN

DateOrder = Literal["YMD", "DMY", "MDY"]
DATE_ORDERS: tuple[str, ...] = ("YMD", "DMY", "MDY")
# What the parser reads at all; which birth dates are plausible is the source's `birth_date_min`
# (settings), passed in as `not_before`, so historical data keeps its dates.
MIN_YEAR, MAX_YEAR = 1000, 2100
EXCEL_SERIAL_RANGE = (1000, 80000)
CHINA_UTC_OFFSET_MINUTES = 480

_DATE = (
    r"(?:(?P<y1>\d{4})\s*[-/.年]\s*(?P<m1>\d{1,2})\s*[-/.月]\s*(?P<d1>\d{1,2})\s*日?"
    r"|(?P<y2>\d{4})(?P<m2>\d{2})(?P<d2>\d{2})"
    r"|(?P<a3>\d{1,2})\s*[-/.]\s*(?P<b3>\d{1,2})\s*[-/.]\s*(?P<y3>\d{4}))"
)
_TIME = r"(?:(?:\s*T\s*|\s+)(?P<hh>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<ss>\d{1,2})(?:[.,](?P<fr>\d{1,9}))?)?)?"
_ZONE = r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
DATETIME_PATTERN = f"^{_DATE}{_TIME}{_ZONE}$"
# (strptime layout, parsed type, shortest and longest text it can match): cheap length checks keep
# each format from scanning values it cannot parse.
FAST_FORMATS: tuple[tuple[str, pl.DataType, int, int], ...] = (
    ("%Y-%m-%d %H:%M:%S", pl.Datetime("us"), 19, 19),
    ("%Y/%m/%d %H:%M", pl.Datetime("us"), 14, 16),
    ("%Y-%m-%d", pl.Date(), 10, 10),
    ("%Y/%m/%d", pl.Date(), 8, 10),
)
# A bare year (1985) is far more likely than an Excel serial in 1905: not read as a serial.
_YEAR_LIKE = r"^(?:19\d\d|20\d\d|2100)$"
_EXCEL_EPOCH_OFFSET_DAYS = 25569  # days from 1899-12-30 (Excel day 0) to 1970-01-01
_MICROS_PER_DAY = 86_400_000_000


def _days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    short = pl.when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31)
    return pl.when(month == 2).then(28 + leap.cast(pl.Int32)).otherwise(short)


def _compose(year: str, month: str, day: str) -> pl.Expr:
    """Datetime from the integer struct fields year/month/day and hh/mi/ss/us; null when those
    are null or do not form a real date and time."""
    y, m, d, hh, mi, ss = (pl.field(name) for name in (year, month, day, "hh", "mi", "ss"))
    real = m.is_between(1, 12) & d.is_between(1, _days_in_month(y, m)) & (hh <= 23) & (mi <= 59) & (ss <= 59)
    # A null year makes the whole datetime null, so impossible components never reach pl.datetime.
    return pl.datetime(pl.when(real).then(y), m, d, hh, mi, ss, pl.field("us"))


def _to_china_time(parsed: pl.Expr) -> pl.Expr:
    """Shift a timestamp written with an explicit offset (Z, +08:00, -0500) to China local time."""
    zone = pl.field("tz")
    digits = zone.str.replace_all(r"\D", "")
    hours, minutes = (digits.str.slice(start, 2).cast(pl.Int64, strict=False) for start in (0, 2))
    offset = hours * 60 + minutes
    signed = pl.when(zone == "Z").then(0).when(zone.str.starts_with("-")).then(-offset).otherwise(offset)
    shifted = parsed + pl.duration(minutes=pl.lit(CHINA_UTC_OFFSET_MINUTES) - signed)
    return pl.when(zone.is_null()).then(parsed).otherwise(shifted)


def excel_serial_to_datetime(expr: pl.Expr) -> pl.Expr:
    """Excel day serials (1000-80000, fraction = time of day) to Datetime; null for anything else."""
    is_serial = expr.str.contains(r"^\d{4,5}(?:\.\d+)?$") & ~expr.str.contains(_YEAR_LIKE)

    def to_datetime(serial: pl.Expr) -> pl.Expr:
        micros = ((serial - _EXCEL_EPOCH_OFFSET_DAYS) * _MICROS_PER_DAY).round(0).cast(pl.Int64)
        return pl.when(serial.is_between(*EXCEL_SERIAL_RANGE)).then(micros.cast(pl.Datetime("us")))

    return once(pl.when(is_serial).then(expr).cast(pl.Float64), to_datetime)


_YEAR_LAST = {"DMY": ("dmy",), "MDY": ("mdy",), "YMD": ("dmy", "mdy")}


def _year_last(date_order: DateOrder) -> pl.Expr:
    """The year-last reading (fields dmy/mdy) for `date_order`; 'YMD' keeps unambiguous ones."""
    dmy, mdy = pl.field("dmy"), pl.field("mdy")
    if date_order != "YMD":
        return pl.field(_YEAR_LAST[date_order][0])
    return pl.when(dmy.is_null() | (dmy == mdy)).then(mdy).when(mdy.is_null()).then(dmy)


def _parse_text(expr: pl.Expr, date_order: DateOrder) -> pl.Expr:
    """The regex route for every layout (see module docstring); null where it does not apply."""
    f = pl.field
    readings = {"dmy": _compose("y3", "b3", "a3"), "mdy": _compose("y3", "a3", "b3")}
    parsed = (
        expr.str.extract_groups(DATETIME_PATTERN)
        .struct.with_fields(
            *(f(name).cast(pl.Int32) for name in ("y1", "m1", "d1", "y2", "m2", "d2", "a3", "b3", "y3")),
            *(f(name).cast(pl.Int32).fill_null(0) for name in ("hh", "mi", "ss")),
            us=f("fr").str.slice(0, 6).str.pad_end(6, "0").cast(pl.Int32).fill_null(0),
        )
        .struct.with_fields(
            y=pl.coalesce(f("y1"), f("y2")), m=pl.coalesce(f("m1"), f("m2")), d=pl.coalesce(f("d1"), f("d2"))
        )
        .struct.with_fields(
            year_first=_compose("y", "m", "d"), **{name: readings[name] for name in _YEAR_LAST[date_order]}
        )
        .struct.with_fields(parsed=pl.coalesce(f("year_first"), _year_last(date_order)))
    )
    return parsed.struct.with_fields(local=_to_china_time(f("parsed"))).struct.field("local")


def _in_year_range(value: pl.Expr) -> pl.Expr:
    return keep_if(value, lambda stamp: stamp.dt.year().is_between(MIN_YEAR, MAX_YEAR))


def _check_order(date_order: str) -> None:
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {DATE_ORDERS}, got {date_order!r}")


def parse_common_datetime(expr: pl.Expr) -> pl.Expr:
    """Fast path: the layouts the sources mostly write (FAST_FORMATS), by `str.strptime`; null for
    every other layout and outside MIN_YEAR..MAX_YEAR."""

    def parse(text: pl.Expr) -> pl.Expr:
        length = text.str.len_bytes()
        return pl.coalesce(
            pl.when(length.is_between(shortest, longest))
            .then(text)
            .str.strptime(dtype, layout, strict=False)
            .cast(pl.Datetime("us"))
            for layout, dtype, shortest, longest in FAST_FORMATS
        )

    return _in_year_range(once(expr, parse))


def _parse_other(expr: pl.Expr, date_order: DateOrder) -> pl.Expr:
    """Slow path: Excel serials, then the regex route, range-checked."""
    staged = pl.struct(text=expr).struct.with_fields(serial=excel_serial_to_datetime(pl.field("text")))
    regex = _parse_text(pl.when(pl.field("serial").is_null()).then(pl.field("text")), date_order)
    value = staged.struct.with_fields(value=pl.coalesce(pl.field("serial"), regex)).struct.field("value")
    return _in_year_range(value)


def parse_datetime(expr: pl.Expr, date_order: DateOrder = "YMD") -> pl.Expr:
    """Parse cleaned date/datetime text to Datetime(us); null when unparseable, impossible or
    outside MIN_YEAR..MAX_YEAR (a birth date's plausible range is plan_date's `not_before`).

    Year-last dates (03/04/2020) follow `date_order`; with 'YMD' they are accepted only when
    unambiguous (13/04/2020, or day == month). Offsets (Z, +08:00) are converted to UTC+8.
    """
    _check_order(date_order)
    staged = pl.struct(text=expr).struct.with_fields(fast=parse_common_datetime(pl.field("text")))
    slow = _parse_other(pl.when(pl.field("fast").is_null()).then(pl.field("text")), date_order)
    value = staged.struct.with_fields(value=pl.coalesce(pl.field("fast"), slow)).struct.field("value")
    name = expr.meta.output_name(raise_if_undetermined=False)
    return value.alias(name) if name else value


def _to_date(value: pl.Expr, not_after: dt.date | None, not_before: dt.date | None = None) -> pl.Expr:
    day = value.dt.date()
    if not_before is not None:
        day = keep_if(day, lambda date: date >= pl.lit(not_before))
    return day if not_after is None else keep_if(day, lambda date: date <= pl.lit(not_after))


def parse_date(expr: pl.Expr, date_order: DateOrder = "YMD", not_after: dt.date | None = None) -> pl.Expr:
    """Parse cleaned text to Date like parse_datetime (time of day dropped); dates after
    `not_after` (e.g. birth dates in the future) become null."""
    return _to_date(parse_datetime(expr, date_order), not_after)


def _plan(
    values: pl.Series,
    date_order: DateOrder,
    layout: str,
    as_date: bool,
    not_after: dt.date | None = None,
    not_before: dt.date | None = None,
) -> pl.LazyFrame:
    """parse_datetime/parse_date as a plan: the slow path runs only on the distinct values that
    the fast path did not parse (birth dates repeat a lot; canonical timestamps skip it entirely)."""
    _check_order(date_order)
    base = (
        field_frame(values)
        .with_columns(cleaned=clean_text(pl.col(RAW)))
        .with_columns(fast=parse_common_datetime(pl.col("cleaned")))
    )
    rest = (
        base.filter(pl.col("fast").is_null() & pl.col("cleaned").is_not_null())
        .select(pl.col("cleaned").unique())
        .with_columns(slow=_parse_other(pl.col("cleaned"), date_order))
    )
    parsed = pl.coalesce("fast", "slow")
    valid = pl.col("value").is_not_null()
    return (
        base.join(rest, on="cleaned", how="left", maintain_order="left")
        .with_columns(parsed=parsed)
        .with_columns(
            value=_to_date(pl.col("parsed"), not_after, not_before) if as_date else pl.col("parsed")
        )
        .select(
            "value",
            status=field_status(pl.col(RAW), pl.col("cleaned"), valid, pl.col("value").dt.to_string(layout)),
            reason=field_reason(
                pl.col(RAW), pl.col("cleaned"), valid, date_problem(pl.col("cleaned"), "parsed", not_before)
            ),
        )
    )


_DATE_SHAPE = r"^(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{8}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})"


def date_problem(cleaned: pl.Expr, parsed: str, not_before: dt.date | None = None) -> pl.Expr:
    """Why a date could not be accepted: 'before_<year>' (before `not_before`, e.g. 'before_1900';
    'before_<date>' when that is not a 1 January), 'future_date' (parsed but after the allowed day,
    or a year after 2100), 'impossible_date' (date-shaped but not a calendar day, 1990-02-30) or
    'unparseable'. `parsed` names the column holding the parse before the not-after cut."""
    earliest = not_before or dt.date(MIN_YEAR, 1, 1)
    too_early = (
        f"before_{earliest.year}" if (earliest.month, earliest.day) == (1, 1) else f"before_{earliest}"
    )
    year = cleaned.str.extract(r"^(\d{4})\D", 1).cast(pl.Int32, strict=False)
    return (
        pl.when(pl.col(parsed).dt.date() < pl.lit(earliest))
        .then(pl.lit(too_early))
        .when(pl.col(parsed).is_not_null())
        .then(pl.lit("future_date"))
        .when(year < earliest.year)
        .then(pl.lit(too_early))
        .when(year > MAX_YEAR)
        .then(pl.lit("future_date"))
        .when(cleaned.str.contains(_DATE_SHAPE))
        .then(pl.lit("impossible_date"))
        .otherwise(pl.lit("unparseable"))
    )


def plan_date(
    values: pl.Series,
    date_order: DateOrder = "YMD",
    not_after: dt.date | None = None,
    not_before: dt.date = DEFAULT_BIRTH_DATE_MIN,
) -> pl.LazyFrame:
    """Lazy form of normalize_date (see there)."""
    return _plan(values, date_order, "%Y-%m-%d", as_date=True, not_after=not_after, not_before=not_before)


def normalize_date(
    values: pl.Series,
    date_order: DateOrder = "YMD",
    not_after: dt.date | None = None,
    not_before: dt.date = DEFAULT_BIRTH_DATE_MIN,
) -> pl.DataFrame:
    """Normalize a date field: columns value (Date, null when missing/invalid), status ('ok' only
    for input already written as YYYY-MM-DD) and reason (see date_problem and field_reason). Dates
    before `not_before` (a source's birth_date_min) or after `not_after` are invalid."""
    return plan_date(values, date_order, not_after, not_before).collect()


def plan_datetime(values: pl.Series, date_order: DateOrder = "YMD") -> pl.LazyFrame:
    """Lazy form of normalize_datetime (see there)."""
    return _plan(values, date_order, "%Y-%m-%d %H:%M:%S", as_date=False)


def normalize_datetime(values: pl.Series, date_order: DateOrder = "YMD") -> pl.DataFrame:
    """Normalize a timestamp field: columns value (Datetime(us), naive China local time) and status
    ('ok' only for input already written as YYYY-MM-DD HH:MM:SS)."""
    return plan_datetime(values, date_order).collect()
