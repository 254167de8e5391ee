import datetime as dt

import polars as pl
import pytest

from dq_project.normalize import normalize_date, normalize_datetime, parse_date, parse_datetime

JAN5 = dt.date(2023, 1, 5)


@pytest.mark.parametrize(
    "written",
    [
        "2023-01-05",
        "2023/1/5",
        "2023/01/05",
        "2023.1.5",
        "2023年1月5日",
        "2023 年 1 月 5 日",
        "20230105",
        "44931",
        "2023-1-5",
        "２０２３－０１－０５",
        " 2023-01-05 ",
        "2023-01-05 00:00:00",
        "2023-01-05T10:22:33",
    ],
)
def test_date_layouts(written: str) -> None:
    value, status = normalize_date(pl.Series([written])).select("value", "status").row(0)
    assert value == JAN5
    assert status == ("ok" if written.strip() == "2023-01-05" else "normalized")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2023-01-05 10:22:33", dt.datetime(2023, 1, 5, 10, 22, 33)),
        ("2023/01/05 10:22", dt.datetime(2023, 1, 5, 10, 22)),
        ("2023/1/5 9:05", dt.datetime(2023, 1, 5, 9, 5)),
        ("2023-01-05T10:22:33", dt.datetime(2023, 1, 5, 10, 22, 33)),
        ("2023-01-05T10:22:33.250", dt.datetime(2023, 1, 5, 10, 22, 33, 250000)),
        ("2023-01-05T02:22:33Z", dt.datetime(2023, 1, 5, 10, 22, 33)),
        ("2023-01-05T10:22:33+08:00", dt.datetime(2023, 1, 5, 10, 22, 33)),
        ("2023-01-05T03:22:33+0100", dt.datetime(2023, 1, 5, 10, 22, 33)),
        ("2023-01-05", dt.datetime(2023, 1, 5)),
        ("2023年1月5日 10:22", dt.datetime(2023, 1, 5, 10, 22)),
        ("44931.5", dt.datetime(2023, 1, 5, 12)),
    ],
)
def test_datetime_layouts(written: str, expected: dt.datetime) -> None:
    assert normalize_datetime(pl.Series([written]))["value"].item() == expected


def test_datetime_status() -> None:
    out = normalize_datetime(
        pl.Series(["2023-01-05 10:22:33", "2023/01/05 10:22", "2023-02-30 10:00:00", "空"])
    )
    assert out["status"].to_list() == ["ok", "normalized", "invalid", "missing"]


@pytest.mark.parametrize(
    "written",
    [
        "1990-02-30",
        "1990-13-01",
        "1990-00-10",
        "1850-01-01",
        "2101-01-01",
        "0023-01-05",
        "2023-01-05 24:00",
        "2023-01-05 10:60",
        "1900-02-29",
        "hello",
        "2023-01",
        "05/01",
        "1985",
        "999",
        "80001",
        "2023-01-05 10",
    ],
)
def test_impossible_or_unparseable_dates_are_invalid(written: str) -> None:
    assert normalize_date(pl.Series([written])).select("value", "status").row(0) == (None, "invalid")


def test_leap_days_and_range_edges() -> None:
    out = normalize_date(pl.Series(["2000-02-29", "2024/2/29", "1900-01-01", "2100-12-31"]))
    assert out["value"].to_list() == [
        dt.date(2000, 2, 29),
        dt.date(2024, 2, 29),
        dt.date(1900, 1, 1),
        dt.date(2100, 12, 31),
    ]


def test_excel_serials() -> None:
    # 79000 is in 2116 (after 2100); 1999 and 2100 read as bare years, not serials; 999 is out of range.
    out = normalize_date(pl.Series(["44931", "1000", "79000", "1999", "2100", "999", "44931.99"]))
    assert out["value"].to_list() == [JAN5, dt.date(1902, 9, 26), None, None, None, None, JAN5]


@pytest.mark.parametrize(
    ("order", "expected"),
    [("DMY", dt.date(2020, 4, 3)), ("MDY", dt.date(2020, 3, 4)), ("YMD", None)],
)
def test_ambiguous_dates_follow_date_order(order: str, expected: dt.date | None) -> None:
    assert normalize_date(pl.Series(["03/04/2020"]), date_order=order)["value"].item() == expected


def test_unambiguous_year_last_dates() -> None:
    values = pl.Series(["13/04/2020", "04/13/2020", "05.05.2020"])
    assert normalize_date(values, "YMD")["value"].to_list() == [
        dt.date(2020, 4, 13),
        dt.date(2020, 4, 13),
        dt.date(2020, 5, 5),
    ]
    assert normalize_date(values, "DMY")["value"].to_list() == [
        dt.date(2020, 4, 13),
        None,
        dt.date(2020, 5, 5),
    ]
    assert normalize_date(values, "MDY")["value"].to_list() == [
        None,
        dt.date(2020, 4, 13),
        dt.date(2020, 5, 5),
    ]


def test_year_first_dates_ignore_date_order() -> None:
    assert normalize_date(pl.Series(["2020/03/04"]), date_order="DMY")["value"].item() == dt.date(2020, 3, 4)


def test_future_birth_dates_are_invalid() -> None:
    out = normalize_date(pl.Series(["2025-06-01", "2025-06-02"]), not_after=dt.date(2025, 6, 1))
    assert out.select("value", "status").rows() == [(dt.date(2025, 6, 1), "ok"), (None, "invalid")]


def test_unknown_date_order() -> None:
    with pytest.raises(ValueError, match="date_order"):
        normalize_date(pl.Series(["2020-01-01"]), date_order="YDM")


def test_expressions_match_the_series_functions() -> None:
    values = ["2023/1/5", "2023-01-05 10:22:33", "44931", "03/04/2020", "1990-02-30", None]
    frame = pl.DataFrame({"d": values})
    assert (
        frame.select(parse_datetime(pl.col("d"), "DMY"))["d"].to_list()
        == normalize_datetime(pl.Series(values), "DMY")["value"].to_list()
    )
    assert (
        frame.select(parse_date(pl.col("d"), "MDY"))["d"].to_list()
        == normalize_date(pl.Series(values), "MDY")["value"].to_list()
    )
