"""Every comparison level gives a pair the same answer whichever record is on the left.

A full run puts the smaller record key on the left; an incremental run's predict_between puts the
cached record there. An asymmetric level would score the same pair differently in the two.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import duckdb
import polars as pl
import pytest
from dq_generator.accuracy import stage_generated

from dq_project.matching.features import prepare_features
from dq_project.matching.model import CUSTOMER_TYPES, model_settings
from dq_project.settings import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "dq.toml"
# Latin-script names with parts that are alike in one direction only ("Ann Anna" vs "Anna Bob":
# every part of the first has a close part in the second, not the other way round).
LATIN_NAMES = ["Ann Anna", "Anna Bob", "John Smith", "Jon Smyth", "John Paul Smith", "Smith John", "Jo Ann"]


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    sources = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["sources"]
    staged, _ = stage_generated(600, 3, tmp_path_factory.mktemp("gen") / "gen", sources, dt.date(2026, 5, 1))
    latin = staged.filter(pl.col("customer_type") == "person").head(len(LATIN_NAMES))
    latin = latin.with_columns(
        pl.Series("name", LATIN_NAMES), pl.col("record_key") + "#latin", pl.col("source_record_id") + "#latin"
    )
    return prepare_features(pl.concat([staged, latin], how="diagonal_relaxed"))


def _pairs(frame: pl.DataFrame) -> pl.DataFrame:
    """Pairs that reach the fuzzy levels (the Latin names among themselves, the same surname pinyin,
    one in 50 of the same-city pairs), with each feature column as col_l / col_r."""
    latin = pl.col("record_key").str.ends_with("#latin")
    keys = frame.select("record_key", "city", "surname_py", latin=latin)
    left, right = keys.rename(lambda c: f"{c}_l"), keys.rename(lambda c: f"{c}_r")
    crossed = left.join(right, how="cross").filter(pl.col("record_key_l") != pl.col("record_key_r"))
    chosen = crossed.filter(
        (pl.col("latin_l") & pl.col("latin_r"))
        | (pl.col("surname_py_l") == pl.col("surname_py_r"))
        | ((pl.col("city_l") == pl.col("city_r")) & (pl.col("record_key_l").hash(1) % 50 == 0))
    ).select("record_key_l", "record_key_r")
    columns = [c for c in frame.columns if c != "record_key"]
    return (
        chosen.join(frame.rename({c: f"{c}_l" for c in frame.columns}), on="record_key_l")
        .join(frame.rename({c: f"{c}_r" for c in frame.columns}), on="record_key_r")
        .select("record_key_l", "record_key_r", *[f"{c}_{side}" for c in columns for side in "lr"])
    )


def _swapped(pairs: pl.DataFrame) -> pl.DataFrame:
    side = {"l": "r", "r": "l"}
    return pairs.rename({c: f"{c[:-2]}_{side[c[-1]]}" for c in pairs.columns}).select(pairs.columns)


@pytest.mark.parametrize("customer_type", CUSTOMER_TYPES)
def test_every_level_is_symmetric(features: pl.DataFrame, customer_type: str) -> None:
    frame = features.filter(pl.col("customer_type") == customer_type)
    pairs = _pairs(frame)
    assert pairs.height > 500
    con = duckdb.connect()
    con.register("pairs", pairs.to_arrow())
    con.register("swapped", _swapped(pairs).to_arrow())
    checked = 0
    for creator in model_settings(customer_type).comparisons:
        for level in creator.get_comparison("duckdb").comparison_levels:
            sql = level.sql_condition
            if sql == "ELSE":
                continue
            query = (
                f"select a.record_key_l, a.record_key_r from (select record_key_l, record_key_r, "
                f"coalesce({sql}, false) as hit from pairs) as a join (select record_key_r as k_l, "
                f"record_key_l as k_r, coalesce({sql}, false) as hit from swapped) as b "
                f"on a.record_key_l = b.k_l and a.record_key_r = b.k_r where a.hit <> b.hit limit 3"
            )
            differing = con.execute(query).fetchall()
            label = level.label_for_charts
            assert not differing, f"{customer_type} level {label!r} is asymmetric: {differing}"
            checked += 1
    assert checked > 20
