"""A Chinese landline's area code against the record's city (010 is 北京市, 0755 is 深圳市).

The place of an area code comes from phonenumbers' geocoder ('广东省深圳市'), looked up once per
distinct area code (a few hundred), never per row. A number whose area code the geocoder does not
place, or that is not a +86 number, passes: only a known place that is not the record's city fails.
The expectation reads the city from `city_column` of the same (row-conditioned) frame. On Spark
the places of every area code the pattern admits (a few hundred) are one map literal, looked up per
row by the cluster; the verdict is the same test.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

import numpy as np
import pandas as pd
import phonenumbers
import polars as pl
from great_expectations.compatibility.pyspark import functions as F
from great_expectations.execution_engine import SparkDFExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)
from phonenumbers import geocoder

from dq_project.expectations.custom.columns import pair_codes
from dq_project.expectations.custom.partials import frame_condition_partial

# +86 then the area code: two digits for 10 and 2x (Beijing, Shanghai, Guangzhou, ...), else three.
AREA_CODE = r"^\+86((?:10|2\d)|[3-9]\d{2})\d{6,8}$"


@cache
def area_place(area_code: str) -> str:
    """phonenumbers' place of a Chinese area code ('' when unknown)."""
    number = phonenumbers.parse(f"+86{area_code}{'6' * (8 if len(area_code) == 2 else 7)}")
    return geocoder.description_for_number(number, "zh") or ""


def area_matches_city(area_code: str | None, city: str | None) -> bool:
    """True unless the area code's known place is not `city` (compared on the place's ending)."""
    if not area_code or not city:
        return True
    places = area_place(area_code).split("、")  # '四川省成都市、资阳市、眉山市': one code, three cities
    return not places[0] or any(place.endswith(city) for place in places)


@cache
def all_area_places() -> dict[str, str]:
    """The place of every area code AREA_CODE admits that the geocoder knows (for the Spark map)."""
    codes = ["10", *(f"2{d}" for d in range(10)), *(str(n) for n in range(300, 1000))]
    return {code: place for code in codes if (place := area_place(code))}


def area_codes(phones: pl.Series) -> pl.Series:
    """The area code of each +86 landline (null for other numbers)."""
    return phones.str.extract(AREA_CODE, 1)


class ColumnValuesAreaCodeOfCity(ColumnMapMetricProvider):
    condition_metric_name = "column_values.area_code_of_city"
    condition_value_keys = ("city_column",)

    @frame_condition_partial()
    def _pandas(cls, column, frame, city_column, **kwargs):
        codes = pd.Series(
            area_codes(pl.Series(column.astype("string").to_numpy(na_value=None))).to_numpy(),
            index=column.index,
        )
        inverse, pairs, code_values, cities = pair_codes(codes, frame[city_column])
        verdict = np.array(
            [
                area_matches_city(code_values[i] if i >= 0 else None, cities[j] if j >= 0 else None)
                for i, j in pairs
            ],
            dtype=bool,
        )
        return pd.Series(verdict[inverse], index=column.index)

    @column_condition_partial(engine=SparkDFExecutionEngine)
    def _spark(cls, column, city_column, **kwargs):
        places = F.create_map(*(F.lit(v) for pair in all_area_places().items() for v in pair))
        code, city = F.regexp_extract(column, AREA_CODE, 1), F.col(city_column)
        place = F.coalesce(places[code], F.lit(""))
        in_city = F.exists(F.split(place, "、"), lambda p: p.endswith(city))
        return (code == "") | city.isNull() | (city == "") | (place == "") | in_city


class ExpectColumnValuesToHaveAreaCodeOfCity(ColumnMapExpectation):
    """Expect a Chinese landline's area code to belong to the city in `city_column` (0755 in 深圳市)."""

    map_metric = "column_values.area_code_of_city"
    city_column: str
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "city_column")
