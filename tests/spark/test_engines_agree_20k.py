"""The issue's acceptance size: 20,000 generated records through both engines (slow: ~6 minutes on
two shared cores). The default suite runs the same assertions on 800 records
(test_engines_agree.py)."""

from __future__ import annotations

import polars as pl
import pytest
from engine_runs import both_runs

pytestmark = pytest.mark.slow
ROWS = 20_000


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    yield from both_runs(tmp_path_factory, "engines20k", ROWS)


def test_counts_staging_rules_and_clusters_agree(runs):
    duck, spark = runs
    assert duck.success and spark.success
    for table in ("raw.customer_rows", "raw.quarantine", "staging.customers", "quality.rule_failures"):
        query = f"select count(*) from {table}"
        assert duck.con.sql(query).fetchone() == spark.con.sql(query).fetchone(), table
    staged = "select * exclude (load_id) from staging.customers order by record_key, row_number"
    assert duck.con.sql(staged).pl().equals(spark.con.sql(staged).pl())
    rules = "select rule_id, evaluated, failed, passed from quality.rule_results order by rule_id"
    assert duck.con.sql(rules).pl().equals(spark.con.sql(rules).pl())
    clusters = "select record_key, cluster_key from matching.clusters"
    a, b = duck.con.sql(clusters).pl(), spark.con.sql(clusters).pl()

    def together(frame: pl.DataFrame) -> set:
        joined = frame.join(frame, on="cluster_key").filter(pl.col("record_key") < pl.col("record_key_right"))
        return set(joined.select("record_key", "record_key_right").iter_rows())

    n = a.height * (a.height - 1) // 2
    assert 1 - len(together(a) ^ together(b)) / n >= 0.999
