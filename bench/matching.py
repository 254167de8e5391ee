"""Matching accuracy: dq on generated data (F1, hard negatives merged) and on Splink's fake_1000
side by side with a plain Splink run configured as Splink's tutorials do.

python -m bench matching --rows 20000
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import splink.comparison_library as cl
from dq_generator import generate
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from dq_project.matching.evaluation import pairwise_score
from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.sources.ingest import land
from dq_project.warehouse.resource import WarehouseResource, connect_warehouse

DAY = dt.date(2026, 11, 20)
# /work/shared next to the main checkout, or next to the folder of worktrees
FAKE_1000 = next(
    (p for root in PROJECT_ROOT.parents[:2]
     if (p := root / "shared" / "data" / "fake_1000" / "fake_1000.csv").exists()),
    PROJECT_ROOT.parent / "shared" / "data" / "fake_1000" / "fake_1000.csv",
)  # fmt: skip
# Hard negatives: different true entities that look alike (same name and city, or one mobile).
HARD_NEGATIVES = """
with r as (
    select c.record_key, c.cluster_key, s.name, s.city, s.mobile, t.entity_id
    from matching.clusters as c
    join staging.current_customers(cast($day as date)) as s using (record_key)
    join truth as t using (record_key)
    where c.as_of_date = cast($day as date)
),
hard as (
    select distinct a.record_key as l, b.record_key as r, a.cluster_key = b.cluster_key as merged
    from r as a join r as b
      on a.record_key < b.record_key and a.entity_id <> b.entity_id
     and ((a.name = b.name and a.city = b.city) or a.mobile = b.mobile)
)
select count(*), count(*) filter (where merged) from hard
"""


def bench_generated(rows: int, workdir: Path) -> None:
    """The whole pipeline on generated data: pairwise F1 and the share of hard-negative pairs merged."""
    home = workdir / "home"
    snapshot = generate(rows, 1, home / "landing", DAY)
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(home))
    started = time.perf_counter()
    result = run_daily(warehouse, DAY, instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    elapsed = time.perf_counter() - started
    truth = pl.read_csv(snapshot.truth_dir / "entities.csv", infer_schema=False).with_columns(
        record_key=pl.format("{}:{}", "source", "source_record_id")
    )
    con = connect_warehouse(warehouse.settings(), read_only=True)
    clusters = con.sql("select record_key, cluster_key from matching.clusters").pl()
    con.register("truth", truth.to_arrow())
    ((hard, merged),) = con.sql(HARD_NEGATIVES, params={"day": DAY}).fetchall()
    reasons = con.sql("select reason, count(*) from matching.review_queue group by all order by 1").fetchall()
    con.close()
    score = pairwise_score(clusters, truth)
    print(f"generated  rows={rows:,}  success={result.success}  pipeline seconds={elapsed:.1f}")
    print(f"  dq        precision={score.precision:.4f} recall={score.recall:.4f} f1={score.f1:.4f}")
    print(f"  hard-negative pairs={hard:,}  merged={merged:,} ({merged / max(hard, 1):.2%})")
    print(f"  review queue by reason: {dict(reasons)}")


def _fake_1000() -> pl.DataFrame:
    return pl.read_csv(FAKE_1000, infer_schema=False).with_columns(
        pl.col("unique_id").alias("record_key"), pl.col("cluster").alias("entity_id")
    )


def _dq_fake_1000(workdir: Path) -> pl.DataFrame:
    """dq's real path: fake_1000.csv landed as dq.toml's `fake_1000` source (a mapping only), then the
    whole pipeline (ingest, normalize, validate, match); returns matching.clusters with the source's
    record keys (the unique_id)."""
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(workdir / "home"))
    settings = warehouse.settings()
    land(settings, settings.source("fake_1000"), FAKE_1000, DAY)
    result = run_daily(warehouse, DAY, instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    if not result.success:
        raise RuntimeError("the pipeline failed on fake_1000")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    clusters = con.sql("select record_key, cluster_key from matching.clusters").pl()
    con.close()
    return clusters.with_columns(pl.col("record_key").str.strip_prefix("fake_1000:"))


# Plain Splink's prediction blocking: the README quickstart's two rules, and the five-rule set of
# Splink's deduplication tutorials adapted to fake_1000's columns (more candidate pairs).
PLAIN_BLOCKING = {
    "README quickstart": [("first_name", "dob"), ("surname",)],
    "tutorial, 5 rules": [
        ("first_name", "surname"), ("surname", "dob"), ("first_name", "dob"), ("email",),
        ("city", "first_name"),
    ],
}  # fmt: skip


def _plain_splink(frame: pl.DataFrame, blocking: list[tuple[str, ...]]) -> dict[float, pl.DataFrame]:
    """Splink's quickstart model on fake_1000 (Splink 5 API), clustered at several thresholds."""
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.JaroAtThresholds("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[block_on(*columns) for columns in blocking],
    )
    db_api = DuckDBAPI(connection=duckdb.connect())
    source = frame.drop("record_key", "entity_id", "cluster").to_arrow()
    linker = Linker(db_api.register(source, dataset_display_name="fake_1000"), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    predictions = linker.inference.predict(threshold_match_probability=0.05)
    results = {}
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95, 0.99):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        results[threshold] = clusters.as_duckdbpyrelation().select("unique_id", "cluster_id").pl()
    return results


def bench_fake_1000(workdir: Path) -> None:
    """dq and plain Splink on the same fake_1000 records in the same run."""
    frame = _fake_1000()
    truth = frame.select("record_key", "entity_id")
    dq = pairwise_score(_dq_fake_1000(workdir), truth)
    print(f"fake_1000  records={frame.height}  true entities={truth['entity_id'].n_unique()}")
    print(f"  dq (merge 0.95)   precision={dq.precision:.4f} recall={dq.recall:.4f} f1={dq.f1:.4f}")
    for name, blocking in PLAIN_BLOCKING.items():
        true_pairs, blocked = _blocking_recall(frame, blocking)
        print(
            f"  plain Splink, {name}: blocking finds {blocked}/{true_pairs} true pairs "
            f"({blocked / true_pairs:.1%})"
        )
        for threshold, clusters in _plain_splink(frame, blocking).items():
            predicted = clusters.select(
                pl.col("unique_id").cast(pl.String).alias("record_key"),
                pl.col("cluster_id").cast(pl.String).alias("cluster_key"),
            )
            s = pairwise_score(predicted, truth)
            print(f"    at {threshold:.2f}   precision={s.precision:.4f} recall={s.recall:.4f} f1={s.f1:.4f}")


def _blocking_recall(frame: pl.DataFrame, blocking: list[tuple[str, ...]]) -> tuple[int, int]:
    """(true pairs, true pairs that share all columns of at least one blocking rule)."""
    any_rule = " or ".join("(" + " and ".join(f"l.{c} = r.{c}" for c in rule) + ")" for rule in blocking)
    con = duckdb.connect()
    con.register("f", frame.to_arrow())
    ((true_pairs, blocked),) = con.sql(
        f"select count(*), count(*) filter (where {any_rule}) from f as l join f as r "
        "on l.entity_id = r.entity_id and cast(l.unique_id as int) < cast(r.unique_id as int)"
    ).fetchall()
    con.close()
    return true_pairs, blocked


def main(rows: int) -> None:
    """Both benchmarks in a temporary data home."""
    with tempfile.TemporaryDirectory() as tmp:
        bench_generated(rows, Path(tmp) / "generated")
        bench_fake_1000(Path(tmp) / "fake")


if __name__ == "__main__":
    main(20_000)
