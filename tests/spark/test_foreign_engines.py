"""fake_1000 (Splink's demo set; /work/shared/data/fake_1000 with its MIT licence) through both
engines with the model DuckDB trained and saved: data no one here wrote, with another country's
schema (dq.toml's `fake_1000` source mapping), must cluster the same on Spark.

Slow (two pipelines and a SparkSession, ~2-4 minutes): `pytest -m slow tests/spark/test_foreign_engines.py`.
Measured numbers for fake_1000 and FEBRL3/4: `python -m bench.spark_foreign` (docs/spark.md).
"""

from __future__ import annotations

import polars as pl
import pytest
from engine_runs import DAY, run_engine

from dq_project.settings import PROJECT_ROOT

FAKE_1000 = PROJECT_ROOT.parent / "shared" / "data" / "fake_1000" / "fake_1000.csv"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not FAKE_1000.is_file(), reason=f"fake_1000 not found at {FAKE_1000}"),
]


def _together(clusters: pl.DataFrame) -> set[tuple[str, str]]:
    pairs = clusters.join(clusters, on="cluster_key")
    pairs = pairs.filter(pl.col("record_key") < pl.col("record_key_right"))
    return set(pairs.select("record_key", "record_key_right").iter_rows())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from dq_project.sources.landing import land
    from dq_project.warehouse.resource import WarehouseResource

    base = tmp_path_factory.mktemp("fake_1000")
    lander = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(base / "lander"))
    settings = lander.settings()
    land(settings, settings.source("fake_1000"), FAKE_1000, DAY)
    duck = run_engine(base, settings.landing_dir, "duckdb")
    spark = run_engine(base, settings.landing_dir, "spark", models=duck.home / "models")
    yield duck, spark
    duck.con.close()
    spark.con.close()


def _clusters(run) -> pl.DataFrame:
    return run.con.sql("select record_key, cluster_key from matching.clusters").pl()


def test_fake_1000_clusters_agree_between_engines(runs):
    duck, spark = runs
    assert duck.success and spark.success
    a, b = _clusters(duck), _clusters(spark)
    assert a.height == b.height == 1000  # every record staged and clustered on both
    assert a["record_key"].sort().equals(b["record_key"].sort())
    together_duck, together_spark = _together(a), _together(b)
    assert len(together_duck) > 500  # the set has duplicates, and both engines found them
    agreement = 1 - len(together_duck ^ together_spark) / (a.height * (a.height - 1) // 2)
    assert agreement >= 0.999
    # not only overall: the pairs either engine put together are nearly all shared
    assert len(together_duck & together_spark) >= 0.98 * max(len(together_duck), len(together_spark))


def test_fake_1000_scores_the_same_against_its_truth(runs):
    from dq_project.matching.evaluation import pairwise_score

    truth = pl.read_csv(FAKE_1000, infer_schema=False).select(
        pl.format("fake_1000:{}", "unique_id").alias("record_key"), pl.col("cluster").alias("entity_id")
    )
    duck, spark = (pairwise_score(_clusters(run), truth) for run in runs)
    assert duck.precision > 0.9 and duck.recall > 0.5
    assert abs(duck.precision - spark.precision) < 0.01
    assert abs(duck.recall - spark.recall) < 0.01
