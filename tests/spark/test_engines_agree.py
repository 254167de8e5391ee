"""Acceptance: the same input through the DuckDB and the Spark engine (issue 26).

Raw, staging and rule counts identical, staged rows identical field by field, clusters agreeing
pairwise >= 0.999 with the same saved model (Jaro-Winkler differs slightly between DuckDB and
Splink's Spark jar, so equality is not expected), golden records identical for the entities whose
clusters are the same, and the lake holding every stage's date partition."""

from __future__ import annotations

import polars as pl
import pytest
from engine_runs import DAY, both_runs

ROWS = 800


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    yield from both_runs(tmp_path_factory, "engines", ROWS)


def _frame(run, sql: str) -> pl.DataFrame:
    return run.con.sql(sql).pl()


def test_both_runs_succeed(runs):
    from dq_project.engine.spark.engine import _ENGINES

    duck, spark = runs
    assert duck.success and spark.success
    lake = str((spark.home / "lake").absolute())
    (engine,) = [e for e in _ENGINES.values() if e.lake == lake]  # its stages really ran on Spark
    assert {"ingest", "staging", "quality", "matching", "splink_on_spark", "golden"} <= set(engine.timings)
    assert engine.files_read["spark"] >= 1  # the generated CSV exports went through Spark's reader


@pytest.mark.parametrize(
    "table", ["raw.customer_rows", "raw.quarantine", "staging.customers", "quality.rule_failures"]
)
def test_same_counts(runs, table):
    duck, spark = runs
    count = f"select count(*) from {table}"
    assert duck.con.sql(count).fetchone() == spark.con.sql(count).fetchone()


def test_the_bad_row_is_quarantined_on_both(runs):
    for run in runs:
        reasons = run.con.sql("select reason from raw.quarantine").fetchall()
        assert len(reasons) == 1, reasons


def test_staged_rows_identical_field_by_field(runs):
    duck, spark = runs
    query = "select * exclude (load_id) from staging.customers order by record_key, row_number"
    a, b = _frame(duck, query), _frame(spark, query)
    assert a.height == ROWS  # the generated rows; the ragged one is in quarantine
    assert a.equals(b)


def test_rule_results_identical(runs):
    duck, spark = runs
    query = (
        "select rule_id, evaluated, failed, failed_ratio, passed from quality.rule_results order by rule_id"
    )
    a, b = _frame(duck, query), _frame(spark, query)
    assert a.height > 20 and a["failed"].sum() > 0
    assert a.equals(b)
    failures = (
        "select rule_id, record_key, field, value_masked, reason from quality.rule_failures order by all"
    )
    assert _frame(duck, failures).equals(_frame(spark, failures))


def _same_cluster_pairs(clusters: pl.DataFrame) -> set[tuple[str, str]]:
    joined = clusters.join(clusters, on="cluster_key").filter(
        pl.col("record_key") < pl.col("record_key_right")
    )
    return set(joined.select("record_key", "record_key_right").iter_rows())


def test_clusters_agree_pairwise(runs):
    duck, spark = runs
    query = "select record_key, cluster_key from matching.clusters order by record_key"
    a, b = _frame(duck, query), _frame(spark, query)
    assert a["record_key"].to_list() == b["record_key"].to_list()
    together_a, together_b = _same_cluster_pairs(a), _same_cluster_pairs(b)
    assert len(together_a) > 50  # the generator plants duplicates: there is something to agree on
    n = a.height * (a.height - 1) // 2
    agreement = 1 - len(together_a ^ together_b) / n
    assert agreement >= 0.999, f"pairwise agreement {agreement:.6f}"
    # Pairs scored by both engines: the same model gives (nearly) the same probabilities.
    pairs = "select record_key_l, record_key_r, match_probability from matching.pairs"
    joined = _frame(duck, pairs).join(_frame(spark, pairs), on=["record_key_l", "record_key_r"])
    assert joined.height > 0.95 * _frame(duck, pairs).height
    close = (joined["match_probability"] - joined["match_probability_right"]).abs() < 1e-6
    assert close.mean() > 0.97


def test_golden_identical_given_same_clusters(runs):
    duck, spark = runs
    clusters = "select record_key, cluster_key, golden_id from matching.clusters"
    a, b = _frame(duck, clusters), _frame(spark, clusters)
    members = lambda f: f.group_by("golden_id").agg(pl.col("record_key").sort().str.join(",").alias("m"))  # noqa: E731
    same = members(a).join(members(b), on=["golden_id", "m"])["golden_id"]
    assert same.len() > 0.95 * a["golden_id"].n_unique()
    golden = "select * from golden.customers order by golden_id"
    ga = _frame(duck, golden).filter(pl.col("golden_id").is_in(same.implode()))
    gb = _frame(spark, golden).filter(pl.col("golden_id").is_in(same.implode()))
    assert ga.height == same.len()
    assert ga.equals(gb)


def test_lake_holds_every_stage_of_the_date(runs):
    _, spark = runs
    lake = spark.home / "lake"
    for table in (
        "raw/customer_rows", "staging/customers", "quality/rule_results", "quality/rule_failures",
        "matching/pairs", "matching/clusters", "golden/customers", "golden/provenance",
    ):  # fmt: skip
        files = list((lake / table / f"snapshot_date={DAY}").glob("*.parquet"))
        assert files, table
    staged = pl.read_parquet(lake / "staging/customers" / f"snapshot_date={DAY}" / "*.parquet")
    assert staged.height == ROWS


def test_golden_built_on_spark_in_the_run(runs):
    from dq_project.engine.spark.engine import _ENGINES

    _, spark = runs
    lake = str((spark.home / "lake").absolute())
    (engine,) = [e for e in _ENGINES.values() if e.lake == lake]
    assert "golden" in engine.timings  # survivorship ran on Spark, not DuckDB then copied
    stored = pl.read_parquet(lake + f"/golden/customers/snapshot_date={DAY}/*.parquet")
    warehouse = _frame(spark, f"select golden_id from golden.customers where as_of_date = '{DAY}'")
    assert sorted(stored["golden_id"]) == sorted(warehouse["golden_id"])  # the warehouse mirrors the lake


def _state(con, versions: str, order: str) -> pl.DataFrame:
    return con.sql(
        f"select * exclude (valid_from, valid_to) from {versions} "  # noqa: S608 (constant names)
        f"where valid_from <= date '{DAY}' and (valid_to is null or valid_to > date '{DAY}') order by {order}"
    ).pl()


def test_golden_on_spark_identical_given_the_same_clusters(runs, tmp_path):
    """DuckDB's staged rows and clusters (plus a steward override) through the Spark build: every
    golden record and every stored provenance row identical field by field to DuckDB's build."""
    import shutil

    from dq_project.engine.spark import lake
    from dq_project.engine.spark.engine import _ENGINES
    from dq_project.engine.spark.golden import golden_inputs, run_golden_statements
    from dq_project.golden.survivorship import build_golden
    from dq_project.settings import load_settings
    from dq_project.warehouse.resource import connect_warehouse

    duck, spark_run = runs
    home = tmp_path / "home"
    shutil.copytree(duck.home, home)
    settings = load_settings(duck.home.parent / "dq.toml", home=home, env={})
    con = connect_warehouse(settings)
    merged = con.sql(
        f"select golden_id from matching.clusters where as_of_date = '{DAY}' "
        "group by golden_id having count(*) > 1 order by golden_id limit 1"
    ).fetchone()[0]
    con.execute(
        "insert into matching.steward_decisions by name select 'D-1' as decision_id, "
        "timestamp '2026-11-01 10:00:00' as decided_at, 'test' as decided_by, 'override_field' as action, "
        "? as golden_id, 'email' as field, 'steward@example.com' as value",
        [merged],
    )
    con.execute(  # attributes on half the records (a key with '/', DuckDB's JSON-pointer case)
        "update staging.customers set attributes = to_json({'tier': 'T' || (hash(record_key) % 3), "
        "'a/b': case when hash(record_key) % 4 = 0 then ' x ' end}) where hash(record_key) % 2 = 0"
    )
    build_golden(con, settings, str(DAY), own_transaction=True)  # DuckDB's build with the override

    root = str(tmp_path / "lake")
    staged = con.sql("select * exclude (snapshot_date) from staging.customers").pl()
    lake.write_local_partition(staged, root, "staging/customers", DAY)
    clusters = con.sql(
        f"select * exclude (as_of_date) from matching.clusters where as_of_date = '{DAY}'"
    ).pl()
    lake.write_local_partition(clusters, root, "matching/clusters", DAY)
    (engine,) = [e for e in _ENGINES.values() if e.lake == str((spark_run.home / "lake").absolute())]
    golden_inputs(engine.spark, root, con, settings, str(DAY))
    views = run_golden_statements(engine.spark, str(DAY))

    customers = _state(con, "golden.customer_versions", "golden_id")
    on_spark = pl.from_arrow(views["customers_new"].select(*customers.columns).toArrow()).sort("golden_id")
    assert customers.height == clusters["golden_id"].n_unique() > 500
    assert customers.filter(pl.col("golden_id") == merged)["email"].to_list() == ["steward@example.com"]
    assert customers["attributes"].drop_nulls().len() > 100
    assert on_spark.cast(customers.schema).equals(customers)
    provenance = _state(con, "golden.provenance_versions", "golden_id, field")
    spark_rows = pl.from_arrow(views["state_new"].select(*provenance.columns).toArrow())
    assert provenance.height > 100 and "steward_override" in provenance["rule"].to_list()
    assert spark_rows.cast(provenance.schema).sort("golden_id", "field").equals(provenance)
    con.close()
