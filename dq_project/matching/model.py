"""Splink models, one per customer type: comparisons, blocking rules, training, parameter checks.

Persons and companies never meet: each type has its own model and is linked on its own private
in-memory DuckDB connection, so Splink's `__splink__*` tables never reach the warehouse file.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import math
import re
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from logging.handlers import BufferingHandler
from pathlib import Path

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from dq_project.matching.comparisons import COMPARISONS
from dq_project.matching.derive import Derivation, Rule, derive, legacy_derivation, rule_text
from dq_project.matching.features import prepare_features
from dq_project.matching.labels import (
    LabelReport,
    label_linker,
    pair_labels,
    refine_m_with_labels,
    report_for,
    score_labelled_pairs,
)
from dq_project.matching.model_meta import load_derivation, meta_path
from dq_project.matching.thresholds import choose_thresholds
from dq_project.settings import MatchingSettings

logger = logging.getLogger(__name__)

CUSTOMER_TYPES = ("person", "company")
# m given to a level that EM never saw among matches (see complete_parameters).
UNOBSERVED_M = 1e-3
_NUDGE = 1e-6


class ModelTrainingError(RuntimeError):
    """Training left a comparison without any m estimate (a blocking-rule design error)."""


class UntrainedLevelWarning(UserWarning):
    """Some comparison levels were not observed in training and got fallback m/u values."""


def _rule(rule: Rule) -> BlockingRuleCreator:
    return CustomRule(rule) if isinstance(rule, str) else block_on(*rule)


def prediction_rules(derivation: Derivation) -> list[BlockingRuleCreator]:
    """The blocking rules that generate a type's candidate pairs."""
    return [_rule(rule) for rule in derivation.predict]


def candidate_rule_groups(derivation: Derivation) -> list[list[BlockingRuleCreator]]:
    """prediction_rules grouped by the first column or expression they join on, in rule order.
    An incremental run looks up the candidates of a group with one join on the OR of its rules:
    DuckDB takes the shared key out of the OR as the hash join key (the 3 birth-date and the 5
    name-key person rules: two scans of the feature cache instead of eight; 0.43 -> 0.29 s at 1M)."""
    groups: dict[str, list[BlockingRuleCreator]] = {}
    for rule in derivation.predict:
        groups.setdefault(_leading_key(rule), []).append(_rule(rule))
    return list(groups.values())


def _leading_key(rule: Rule) -> str:
    """The first column or expression a rule joins on ("l.x = r.x AND ..." for a SQL string)."""
    if isinstance(rule, tuple):
        return rule[0]
    match = re.match(r"\s*l\.(\w+)\s*=\s*r\.\1\b", rule)
    return match.group(1) if match else rule


def saved_model(path: Path, customer_type: str) -> dict:
    """A saved model with the prediction blocking rules of its saved derivation (read back from
    its metadata; a model saved before derivations existed blocks with legacy_derivation).

    Read once per process while the model and its metadata files are unchanged (a backfill links
    hundreds of dates with the same model); each caller gets its own copy."""
    signature = tuple(_file_signature(p) for p in (path, meta_path(path)))
    return copy.deepcopy(_read_saved_model(Path(path), customer_type, signature))


def _file_signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=8)
def _read_saved_model(path: Path, customer_type: str, signature: tuple) -> dict:
    """`saved_model` uncached; `signature` (mtime and size of the model and its metadata) is part
    of the cache key only, so a retrained model is read again."""
    model = json.loads(path.read_text(encoding="utf-8"))
    derivation = load_derivation(path, customer_type)
    rules = model_settings(customer_type, derivation).create_settings_dict("duckdb")
    model["blocking_rules_to_generate_predictions"] = rules["blocking_rules_to_generate_predictions"]
    return model


def model_settings(customer_type: str, derivation: Derivation | None = None) -> SettingsCreator:
    """The untrained Splink settings for a customer type ('person' or 'company') as `derivation`
    (default: legacy_derivation, every comparison and rule of Chinese CRM data) makes them."""
    if customer_type not in COMPARISONS:
        raise ValueError(f"unknown customer type {customer_type!r}; expected one of {CUSTOMER_TYPES}")
    derivation = derivation or legacy_derivation(customer_type)
    specs = {spec.name: spec for spec in COMPARISONS[customer_type]}
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_key",
        blocking_rules_to_generate_predictions=prediction_rules(derivation),
        comparisons=[specs[name].build() for name in derivation.comparisons],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,  # keeps the mw_* columns
    )


def prediction_linker(records: SplinkDataFrame, model: dict) -> Linker:
    """A Linker that predicts with a trained model. Splink's check of the model's columns is
    skipped: they were checked when the model was trained, and the check takes 0.2 s a Linker."""
    return Linker(records, model, log_level=None, validate_settings=False)


# Splink's private in-memory DuckDB: without a limit DuckDB takes up to 80% of the RAM, beside the
# warehouse connection's own [warehouse] memory_limit and the Polars frames of the same process;
# with one, predict's joins and its scored pairs spill to the system temp directory instead.
SPLINK_DUCKDB_CONFIG = {
    "memory_limit": "3GB",
    "temp_directory": str(Path(tempfile.gettempdir()) / "dq-splink"),
}


@contextmanager
def splink_session(frame: pl.DataFrame) -> Iterator[SplinkDataFrame]:
    """Register `frame` (as Arrow) on a private in-memory DuckDB connection for Splink."""
    con = duckdb.connect(config=SPLINK_DUCKDB_CONFIG)
    try:
        # Arrow string views: the 1M-record frame goes to DuckDB without a copy of its strings.
        table = frame.to_arrow(compat_level=pl.CompatLevel.newest())
        yield DuckDBAPI(connection=con).register(table, dataset_display_name="records")
    finally:
        con.close()


def train_model(
    records: pl.DataFrame,
    customer_type: str,
    settings: MatchingSettings,
    decisions: pl.DataFrame | None = None,
) -> dict:
    """Train the Splink model for one customer type on staged records; returns the settings dict."""
    return train_with_labels(_of_type(records, customer_type), customer_type, settings, decisions)[0]


def train_model_with_labels(
    records: pl.DataFrame, customer_type: str, settings: MatchingSettings, decisions: pl.DataFrame | None
) -> TrainedModel:
    """train_full on the staged records of one type: the model, its label report and metadata."""
    return train_full(_of_type(records, customer_type), customer_type, settings, decisions)


def _of_type(records: pl.DataFrame, customer_type: str) -> pl.DataFrame:
    return prepare_features(records).filter(pl.col("customer_type") == customer_type)


def train_on_features(
    features: pl.DataFrame,
    customer_type: str,
    settings: MatchingSettings,
    decisions: pl.DataFrame | None = None,
) -> dict:
    """The model of train_with_labels, without its label report."""
    return train_with_labels(features, customer_type, settings, decisions)[0]


def train_with_labels(
    features: pl.DataFrame,
    customer_type: str,
    settings: MatchingSettings,
    decisions: pl.DataFrame | None = None,
) -> tuple[dict, LabelReport]:
    """The model and label report of train_full."""
    trained = train_full(features, customer_type, settings, decisions)
    return trained.model, trained.report


@dataclass
class TrainedModel:
    """A trained Splink model, its steward-label report and the metadata saved with it
    (dq_project.matching.model_meta: derivation, thresholds, training size, unobserved levels)."""

    model: dict
    report: LabelReport
    meta: dict


def train_full(
    features: pl.DataFrame,
    customer_type: str,
    settings: MatchingSettings,
    decisions: pl.DataFrame | None = None,
) -> TrainedModel:
    """Derive the model from the data's profile (dq_project.matching.derive), then: prior from
    deterministic rules, u by random sampling, m by EM over the derived blocks; then the steward
    labels, the prior by EM over the prediction pairs, the matches taken out of u, the prior again,
    and the thresholds chosen from the scores (dq_project.matching.thresholds).

    Steward `decisions` (matching.steward_decisions rows) between two records of `features` are
    labels: with at least settings.min_label_pairs merge labels, EM's m values are blended with the
    labels' (dq_project.matching.labels.refine_m_with_labels; fewer leave the model as without
    labels). Finally every labelled pair is scored: the report counts keep-apart pairs the model
    would merge and merge pairs it would miss (before the steward constraints apply).
    """
    derivation = derive(features, customer_type)
    logger.info(
        "%s model derived: comparisons %s; blocking %s",
        customer_type, derivation.comparisons, [rule_text(r) for r in derivation.predict],
    )  # fmt: skip
    unobserved: list[str] = []
    with splink_session(features) as records, _captured_splink_warnings() as splink_warnings:
        linker = Linker(records, model_settings(customer_type, derivation), log_level=None)
        training = linker.training
        prior_rules = [_rule(r) for r in derivation.prior]
        training.estimate_probability_two_random_records_match(prior_rules, recall=settings.prior_recall)
        training.estimate_u_using_random_sampling(max_pairs=settings.max_pairs_u, seed=settings.seed)
        for rule in derivation.em:
            training.estimate_parameters_using_expectation_maximisation(_rule(rule))
        model = linker.misc.save_model_to_json()
    sampled = max(min(settings.max_pairs_u, features.height * (features.height - 1) / 2), 1.0)
    model = complete_parameters(model, customer_type, sampled, splink_warnings, unobserved)
    labels = pair_labels(decisions, features)
    report = report_for(labels)
    if report.merge_pairs >= settings.min_label_pairs:
        with splink_session(features) as records:
            linker = label_linker(records, model)
            model = refine_m_with_labels(linker, model, labels, settings.label_prior_pairs)
        model = complete_parameters(model, customer_type, sampled)  # m floors again
        report.used_for_m = True
    model["probability_two_random_records_match"] = estimate_prior(features, model, settings)[0]
    unmix_u(model, 1.0 / sampled)
    model["probability_two_random_records_match"], scores = estimate_prior(features, model, settings)
    scored_labels = None
    if labels.height:
        with splink_session(features) as records:
            scored_labels = score_labelled_pairs(label_linker(records, model), labels)
    thresholds = choose_thresholds(scores, scored_labels, settings)
    if scored_labels is not None:
        merged = scored_labels["match_probability"] >= thresholds["merge_threshold"]
        is_match = scored_labels["clerical_match_score"] == 1
        report.keep_apart_merged, report.merges_missed = (
            int((merged & ~is_match).sum()),
            int((~merged & is_match).sum()),
        )
        logger.info("%s model: %s", customer_type, report.summary())
    meta = {
        "derivation": derivation.as_dict(),
        "thresholds": thresholds,
        "training": {"records": features.height, "unobserved_levels": unobserved},
    }
    return TrainedModel(model, report, meta)


def unmix_u(model: dict, floor: float) -> None:
    """Take the matches out of the u values. Random sampling sees matches too: a level's agreement
    rate among random pairs is prior * m + (1 - prior) * u. Negligible on large data, it halves the
    weight of an exact e-mail on a small file that holds each person four times."""
    prior = model["probability_two_random_records_match"]
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if "u_probability" in level and "m_probability" in level:
                unmixed = (level["u_probability"] - prior * level["m_probability"]) / (1 - prior)
                level["u_probability"] = max(unmixed, floor)


def estimate_prior(
    features: pl.DataFrame, model: dict, settings: MatchingSettings
) -> tuple[float, pl.Series]:
    """The share of record pairs that match, by EM on the prior alone with m and u held fixed: the
    mean match probability over all pairs (blocked pairs scored, the others taken as non-matches),
    repeated until stable. Starts from the deterministic rules' estimate, whose assumed recall is a
    guess; on at most settings.max_prior_records records (a random sample: the share is the same).
    Also returns the blocked pairs' match probabilities under the estimated prior (thresholds are
    chosen from them)."""
    sample = features
    if features.height > settings.max_prior_records:
        sample = features.sample(settings.max_prior_records, seed=settings.seed)
    pairs = sample.height * (sample.height - 1) / 2
    prior = model["probability_two_random_records_match"]
    with splink_session(sample) as records:
        linker = Linker(records, model, log_level=None)
        scored = linker.inference.predict(warning_mode="never").as_duckdbpyrelation()
        # match_weight includes the prior's log-odds: subtract it to get the evidence alone.
        evidence = scored.select("match_weight").pl()["match_weight"] - math.log2(prior / (1 - prior))
    if not pairs or evidence.is_empty():
        return prior, _probabilities(evidence, prior)
    for _ in range(50):
        updated = min(float(_probabilities(evidence, prior).sum()) / pairs, 0.5)
        if abs(updated - prior) <= 1e-3 * prior:
            return updated, _probabilities(evidence, updated)
        prior = updated
    return prior, _probabilities(evidence, prior)


def _probabilities(evidence: pl.Series, prior: float) -> pl.Series:
    log_odds = evidence + math.log2(prior / (1 - prior))
    return 1 / (1 + 2 ** (-log_odds))


def comparable_model(model: object) -> object:
    """A saved model (or any part of it) as it compares between trainings: without Splink's random
    `linker_uid` and with floats rounded to 9 places (DuckDB's threads sum EM's expectations in a
    varying order, so two trainings on the same data differ in the last bits)."""
    if isinstance(model, float):
        return round(model, 9)
    if isinstance(model, dict):
        return {k: comparable_model(v) for k, v in model.items() if k != "linker_uid"}
    if isinstance(model, list):
        return [comparable_model(v) for v in model]
    return model


def complete_parameters(
    model: dict,
    customer_type: str,
    sampled_pairs: float,
    notes: list[str] | None = None,
    unobserved: list[str] | None = None,
) -> dict:
    """Give unobserved levels explicit values so predictions survive a save/load round trip.

    A level never seen among random pairs gets u = 1/sampled_pairs. A level never seen among EM's
    matches gets m = min(u, UNOBSERVED_M): it never counts for a match, and a common one ("all
    other") counts strongly against. That is also every m's floor, so no single level vetoes a
    match. A comparison with u values but no m at all was missed by every EM blocking rule (a
    design error): ModelTrainingError.
    """
    filled: list[str] = []
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        name = comparison["output_column_name"]
        has_u, has_m = (any(key in lv for lv in levels) for key in ("u_probability", "m_probability"))
        if has_u and not has_m:
            raise ModelTrainingError(f"{customer_type} model: EM estimated no m value for '{name}'")
        for position, level in enumerate(levels):
            label = level.get("label_for_charts", level["sql_condition"])
            if "u_probability" not in level:
                level["u_probability"] = 1.0 / sampled_pairs
                filled.append(f"{name}: {label} (u)")
            if "m_probability" not in level:
                filled.append(f"{name}: {label} (m)")
            # EM also returns m values like 1e-27 (weight -88): one typo would veto any match.
            floor = min(level["u_probability"], UNOBSERVED_M)
            level["m_probability"] = max(level.get("m_probability", 0.0), floor)
            if level["m_probability"] == floor:
                # floored levels differ by a negligible factor, so that each level's weight stays its
                # own: cannot_link reads the level a pair reached from its weight
                level["m_probability"] = floor * (1 - _NUDGE * (position + 1))
    if unobserved is not None:
        unobserved.extend(filled)
    if filled:
        per_comparison: dict[str, int] = {}
        for entry in filled:
            per_comparison[entry.split(":")[0]] = per_comparison.get(entry.split(":")[0], 0) + 1
        counts = ", ".join(f"{name} {n}" for name, n in per_comparison.items())
        message = (
            f"{customer_type} model: {len(filled)} level(s) not observed in training ({counts}); "
            "`dq model show` lists them"
        )
        logger.warning(message)
        logger.debug("Splink training warnings:%s", "".join(f"\n  {n}" for n in notes or []))
        warnings.warn(message, UntrainedLevelWarning, stacklevel=3)
    return model


@contextmanager
def _captured_splink_warnings() -> Iterator[list[str]]:
    """Collect Splink's training warnings (they would go to stderr) for one summary message."""
    splink_logger, handler = logging.getLogger("splink"), BufferingHandler(capacity=10_000)
    handler.setLevel(logging.WARNING)
    splink_logger.addHandler(handler)
    messages: list[str] = []
    try:
        yield messages
    finally:
        splink_logger.removeHandler(handler)
        messages.extend(" ".join(r.getMessage().split()) for r in handler.buffer)
