"""Linkage on Splink's SparkAPI with the model DuckDB trained and saved.

A saved model is Splink settings in DuckDB's SQL, and Spark reads its quoted identifiers as string
literals ("Could not find an exact match level"); sqlglot cannot translate hamming or DuckDB's list
lambdas. So the saved JSON stays the one model, and the engine regenerates the SQL: the model's
comparisons are rebuilt by name in the Spark dialect (dq_project.matching.comparisons'
`comparison_dialect`), its blocking rules are read as DuckDB SQL and written for Spark by Splink,
and every level's m, u and term-frequency settings, and the prior, are grafted on level by level.

Training stays on the driver's DuckDB (a model is trained once, on a sample); scoring all blocked
pairs and connected components, the work that grows with the data, run on Spark.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import polars as pl
from pyspark.sql import SparkSession
from splink import Linker, SettingsCreator
from splink.backends.spark import SparkAPI
from splink.blocking_rule_library import CustomRule
from splink.clustering import cluster_pairwise_predictions_at_threshold

from dq_project.engine.spark.exchange import Exchange, exchange
from dq_project.matching.comparisons import COMPARISONS, comparison_dialect
from dq_project.matching.model import prediction_linker, splink_session
from dq_project.matching.resolve import cluster_keys, pair_columns, pairs_from_predictions
from dq_project.settings import MatchingSettings

GRAFTED = ("m_probability", "u_probability", "tf_adjustment_column", "tf_adjustment_weight")


def spark_model(model: dict, customer_type: str) -> dict:
    """The saved (DuckDB) `model` as Spark settings with the same parameters. (Splink 5 dropped
    blocking-rule salting, "ignored ... the end result will be identical": skewed blocking keys are
    Spark's adaptive skew join's job at scale, see docs/spark.md.)"""
    specs = {spec.name: spec for spec in COMPARISONS[customer_type]}
    with comparison_dialect("spark"):
        comparisons = [specs[c["output_column_name"]].build() for c in model["comparisons"]]
    rules = [
        CustomRule(rule["blocking_rule"], sql_dialect="duckdb")
        for rule in model["blocking_rules_to_generate_predictions"]
    ]
    settings = SettingsCreator(
        link_type=model["link_type"],
        unique_id_column_name=model.get("unique_id_column_name", "record_key"),
        blocking_rules_to_generate_predictions=rules,
        comparisons=comparisons,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
    ).create_settings_dict("spark")
    settings["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    for built, saved in zip(settings["comparisons"], model["comparisons"], strict=True):
        levels = zip(built["comparison_levels"], saved["comparison_levels"], strict=True)
        for level, trained in levels:
            if level.get("label_for_charts") != trained.get("label_for_charts"):
                raise ValueError(
                    f"{customer_type} model: level {trained.get('label_for_charts')!r} of "
                    f"{saved['output_column_name']} is {level.get('label_for_charts')!r} on Spark"
                )
            level.update({key: trained[key] for key in GRAFTED if key in trained})
    return settings


class SparkPredictor:
    """resolve._predict_and_cluster on Spark (see dq_project.matching.resolve.predicting_with)."""

    def __init__(self, spark: SparkSession, partitions: int | None = None):
        self.spark = spark
        self.partitions = partitions or max(1, int(spark.conf.get("spark.sql.shuffle.partitions")) // 2)
        self.seconds = 0.0
        self.calls = 0

    def __call__(
        self,
        frame: pl.DataFrame,
        customer_type: str,
        model: dict,
        save_to: Path | None,
        settings: MatchingSettings,
        merge_threshold: float,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        started = time.perf_counter()
        self.calls += 1
        if save_to is not None:  # the saved model stays DuckDB's (the one model of both engines)
            with splink_session(frame.head(0)) as records:
                prediction_linker(records, model).misc.save_model_to_json(str(save_to), overwrite=True)
        api = SparkAPI(
            spark_session=self.spark,
            break_lineage_method="checkpoint",  # "persist" ran out of broadcast memory in clustering
            num_partitions_on_repartition=self.partitions,
        )
        run = uuid.uuid4().hex[:8]  # table names are session-wide temp views: one set per call
        views = [f"dq_records_{customer_type}_{run}", f"dq_scored_edges_{customer_type}_{run}"]
        with exchange(self.spark) as files:  # rows in and out through Parquet, not the driver's heap
            try:
                pairs, clusters = self._score(files, api, views, frame, customer_type, model, settings,
                                              merge_threshold)  # fmt: skip
            finally:
                for view in self.spark.catalog.listTables():  # Splink's and ours, with their plans
                    if view.isTemporary and (view.name in views or view.name.startswith("__splink")):
                        self.spark.catalog.dropTempView(view.name)
        self.seconds += time.perf_counter() - started
        return pairs, cluster_keys(clusters)

    def _score(
        self,
        files: Exchange,
        api: SparkAPI,
        views: list[str],
        frame: pl.DataFrame,
        customer_type: str,
        model: dict,
        settings: MatchingSettings,
        merge_threshold: float,
    ):
        """Splink's predict and connected components on Spark: (pairs, clusters) in Polars."""
        records = files.to_spark(frame, "records")
        linker = Linker(
            api.register(records, dataset_display_name="records", table_name=views[0]),
            spark_model(model, customer_type), log_level=None,
        )  # fmt: skip
        predictions = linker.inference.predict(
            threshold_match_probability=settings.pair_floor, warning_mode="never"
        )
        scored = predictions.as_spark_dataframe()
        # only what the pairs are made of leaves Spark (not the l/r values, gammas, Bayes factors)
        wanted = scored.select(*pair_columns(scored.columns))
        pairs = pairs_from_predictions(files.to_polars(wanted, "scored"), customer_type,
                                       model, merge_threshold)  # fmt: skip
        edges = files.to_spark(pairs.select("record_key_l", "record_key_r", "match_probability"), "edges")
        clustered = cluster_pairwise_predictions_at_threshold(
            records.select("record_key"),  # connected components needs the ids, not the records
            api.register(edges, dataset_display_name="scored_edges", table_name=views[1]),
            api, node_id_column_name="record_key", threshold_match_probability=merge_threshold,
        )  # fmt: skip
        clusters = files.to_polars(
            clustered.as_spark_dataframe().select("record_key", "cluster_id"), "clusters"
        )
        return pairs, clusters
