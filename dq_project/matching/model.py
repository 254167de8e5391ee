"""Splink models, one per customer type: comparisons, blocking rules, training, parameter checks.

Persons and companies never meet: each type has its own model and is linked on its own private
in-memory DuckDB connection, so Splink's `__splink__*` tables never reach the warehouse file.
"""

from __future__ import annotations

import json
import logging
import math
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from logging.handlers import BufferingHandler
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import splink.comparison_level_library as cll
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.comparison_library import CustomComparison
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from dq_project.matching.features import prepare_features
from dq_project.matching.labels import (
    LabelReport,
    check_labels,
    label_linker,
    pair_labels,
    refine_m_with_labels,
    report_for,
)

logger = logging.getLogger(__name__)

CUSTOMER_TYPES = ("person", "company")
# m given to a level that EM never saw among matches (see complete_parameters).
UNOBSERVED_M = 1e-3


@dataclass(frozen=True)
class MatchSettings:
    """Thresholds and training knobs (the `[matching]` section of dq.toml)."""

    merge_threshold: float = 0.95  # match_probability at/above which records are clustered together
    review_threshold: float = 0.6  # [review, merge) goes to the steward review queue
    pair_floor: float = 0.3  # pairs below this are not kept
    seed: int = 42
    max_pairs_u: float = 2e6  # u estimation sample size
    prior_recall: float = 0.8  # assumed recall of the deterministic rules that estimate the prior
    min_training_records: int = 50  # fewer records of a type (and no saved model): no linkage
    max_prior_records: int = 200_000  # the prior's EM step scores the pairs of at most this many records
    max_cluster_size: int = 8  # larger entities are flagged into the review queue
    min_label_pairs: int = 20  # fewer steward merge labels of a type: they do not touch m
    label_prior_pairs: float = 100.0  # EM's m counts as this many labelled pairs in the blend


class ModelTrainingError(RuntimeError):
    """Training left a comparison without any m estimate (a blocking-rule design error)."""


class UntrainedLevelWarning(UserWarning):
    """Some comparison levels were not observed in training and got fallback m/u values."""


def _comparison(name: str, null_col: str, *levels: Any) -> CustomComparison:
    return CustomComparison([cll.NullLevel(null_col), *levels, cll.ElseLevel()], output_column_name=name)


def _exact(col: str, tf: bool = False) -> cll.ExactMatchLevel:
    return cll.ExactMatchLevel(col, term_frequency_adjustments=tf)


def _near_miss(col: str) -> cll.CustomLevel:
    """One substitution (incl. the check character) or one transposition between 18-char codes.

    hamming() first: Damerau-Levenshtein on every sampled pair dominated u estimation.
    """
    left, right = f'"{col}_l"', f'"{col}_r"'
    sql = (
        f"hamming({left}, {right}) <= 1 OR "
        f"(hamming({left}, {right}) = 2 AND damerau_levenshtein({left}, {right}) <= 1)"
    )
    return cll.CustomLevel(sql, f"{col} near miss (one typo)")


def _mobile_address(fuzzy: float) -> CustomComparison:
    """Mobile, address and city as one comparison. A household shares a number and an address
    (family members on one mobile), so as separate comparisons they would count twice."""
    city_agrees = 'coalesce("city_l" = "city_r", true)'
    same_place = f'("address_l" = "address_r" OR "address_street_l" = "address_street_r") AND {city_agrees}'
    both_mobiles = '"mobile_l" IS NOT NULL AND "mobile_r" IS NOT NULL'
    missing = cll.CustomLevel(
        '("mobile_l" IS NULL OR "mobile_r" IS NULL) AND ("address_l" IS NULL OR "address_r" IS NULL)'
        ' AND ("city_l" IS NULL OR "city_r" IS NULL)',
        "Mobile and address missing",
    ).configure(is_null_level=True)
    levels = [
        cll.CustomLevel(f'"mobile_l" = "mobile_r" AND {same_place}', "Same mobile and address"),
        cll.CustomLevel('"mobile_l" = "mobile_r"', "Same mobile, address differs or missing"),
        cll.CustomLevel('"mobile_last8_l" = "mobile_last8_r"', "Same last 8 mobile digits"),
        cll.CustomLevel(f"{same_place} AND {both_mobiles}", "Same address, mobiles differ"),
        cll.CustomLevel(same_place, "Same address, a mobile missing"),
        cll.CustomLevel(
            f'jaro_winkler_similarity("address_l", "address_r") >= {fuzzy} AND {city_agrees}',
            f"Similar address (Jaro-Winkler >= {fuzzy})",
        ),
        cll.CustomLevel('"city_l" = "city_r" AND "district_l" = "district_r"', "Same city and district"),
        _exact("city", tf=True),
        cll.CustomLevel(
            'jaro_winkler_similarity("city_l", "city_r") >= 0.88', "Similar city (Jaro-Winkler >= 0.88)"
        ),
    ]
    return CustomComparison([missing, *levels, cll.ElseLevel()], output_column_name="mobile_address")


def _all_parts_alike(parts: str, other: str, threshold: float) -> str:
    """SQL: every part of the name list `parts` has a part of `other` with Jaro-Winkler >= threshold."""
    close = f"list_bool_or(list_transform({other}, lambda y: jaro_winkler_similarity(x, y) >= {threshold}))"
    return f"list_bool_and(list_transform({parts}, lambda x: {close}))"


_SAME_LATIN_NAME = cll.CustomLevel('"name_tokens_l" = "name_tokens_r"', "Same name parts (Latin script)")


def _latin_name_levels() -> list[cll.CustomLevel]:
    """Fuzzy levels for Latin-script names that are not pinyin (name_tokens: sorted parts, null for
    Chinese names, so these never fire there): parts alike, a part missing, roughly alike, one shared."""
    left, right = '"name_tokens_l"', '"name_tokens_r"'

    def shorter_alike(threshold: float) -> str:
        # symmetric: with as many parts on both sides, either side's parts may be the ones alike
        # (a pair gets the same level whichever record is on the left)
        return (
            f"(len({left}) <= len({right}) AND {_all_parts_alike(left, right, threshold)}) OR "
            f"(len({right}) <= len({left}) AND {_all_parts_alike(right, left, threshold)})"
        )

    return [
        cll.CustomLevel(
            f"len({left}) = len({right}) AND {_all_parts_alike(left, right, 0.88)}"
            f" AND {_all_parts_alike(right, left, 0.88)}",
            "Name parts alike (Jaro-Winkler >= 0.88)",
        ),
        cll.CustomLevel(
            f"list_has_all({left}, {right}) OR list_has_all({right}, {left})", "A name part missing"
        ),
        cll.CustomLevel(shorter_alike(0.88), "A name part missing, the others alike"),
        cll.CustomLevel(shorter_alike(0.7), "Name parts roughly alike (Jaro-Winkler >= 0.7)"),
        cll.CustomLevel(f"len(list_intersect({left}, {right})) > 0", "One name part in common"),
    ]


def _person_comparisons() -> list[CustomComparison]:
    name_prefix = cll.CustomLevel(
        'starts_with("name_py_l", "name_py_r") OR starts_with("name_py_r", "name_py_l")',
        "One name is the other with a character dropped",
    )
    # Character positions (substr), since DuckDB's edit distances count UTF-8 bytes.
    one_char = cll.CustomLevel(
        'length("name_chars_l") = length("name_chars_r") AND substr("name_chars_l", 1, 1) = '
        'substr("name_chars_r", 1, 1) AND len(list_filter(range(1, length("name_chars_l") + 1), '
        'lambda i: substr("name_chars_l", i, 1) <> substr("name_chars_r", i, 1))) = 1',
        "Same surname, one given-name character differs",
    )
    # Not Jaro-Winkler: on pinyin it rewards the shared surname prefix, i.e. relatives.
    py_typo = cll.CustomLevel('damerau_levenshtein("name_py_l", "name_py_r") <= 1', "Pinyin one letter apart")
    birth_swapped = cll.CustomLevel(
        'year("birth_date_l") = year("birth_date_r") AND month("birth_date_l") = day("birth_date_r")'
        ' AND day("birth_date_l") = month("birth_date_r")',
        "Day and month swapped",
    )
    # birth_digits: yyyymmdd, 8 characters on both sides. An edit distance of at most 1 between
    # strings of equal length needs at most 2 differing positions, one of at most 2 (a substitution
    # or a transposition each) at most 4 unless an insertion and a deletion are involved, and then
    # Levenshtein's distance is the same: so the slow Damerau-Levenshtein runs only where it can
    # decide. Same levels as damerau_levenshtein(...) <= 1 / <= 2, at a third of the cost.
    left, right = '"birth_digits_l"', '"birth_digits_r"'
    birth_typo = cll.CustomLevel(
        f"CASE WHEN hamming({left}, {right}) <= 2 THEN damerau_levenshtein({left}, {right}) <= 1"
        " ELSE false END",
        "Birth dates one digit apart",
    )
    birth_typos = cll.CustomLevel(
        f"CASE WHEN hamming({left}, {right}) <= 4 THEN damerau_levenshtein({left}, {right}) <= 2"
        f" ELSE levenshtein({left}, {right}) <= 2 END",
        "Birth dates two digits apart",
    )
    email_alike = cll.CustomLevel(
        'jaro_winkler_similarity("email_l", "email_r") >= 0.88', "Similar email (Jaro-Winkler >= 0.88)"
    )
    return [
        _comparison("id_number", "id_number", _exact("id_number"), _near_miss("id_number")),
        _comparison("email", "email", _exact("email"), _exact("email_local", tf=True), email_alike),
        _comparison(
            "name",
            "name_key",
            _exact("name_chars", tf=True),
            # Before the pinyin key, without term frequencies: on a small file that holds each person
            # several times, the duplicates themselves make every Western name look common.
            _SAME_LATIN_NAME,
            _exact("name_key", tf=True),
            *_latin_name_levels(),
            name_prefix,
            one_char,
            py_typo,
        ),
        _comparison("birth_date", "birth_date", _exact("birth_date"), birth_swapped, birth_typo, birth_typos),
        _comparison("gender", "gender", _exact("gender")),
        _mobile_address(0.9),
    ]


def _company_comparisons() -> list[CustomComparison]:
    return [
        _comparison("credit_code", "credit_code", _exact("credit_code"), _near_miss("credit_code")),
        _comparison(
            "company_name",
            "company_core",
            _exact("company_core", tf=True),
            cll.JaroWinklerLevel("company_core", 0.9),
        ),
        _comparison("contact_name", "name_key", _exact("name_key")),
        _comparison("phone", "phone", _exact("phone")),
        _comparison("email", "email", _exact("email"), _exact("email_domain")),
        _mobile_address(0.85),
    ]


_COMPARISONS = {"person": _person_comparisons, "company": _company_comparisons}
# Blocking rules (columns or expressions) per type: prediction, the prior's near-certain matches, and EM.
# Person EM blocks on the ID (pure matches) and name + birth date; blocking on the mobile instead
# would teach EM that family members sharing a number are duplicates. The person prediction rules
# after the ID's near miss catch typos when no ID is there: e-mail domain typos (local part), a
# mistyped day (name + birth year and month, in any city), misspelt Western names (birth date + a
# name part's initial; name_token_* are null for Chinese names, so those rules cost nothing there).
# Name + city come last, only where the birth dates do not rule a pair out: one of them missing,
# or born in the same or the next year (two rules on two-year buckets shifted by one). A plain
# name + city rule paired every two 张伟 of a city: 8.1M of the 14.7M candidate pairs at 1M
# generated persons. These four are equi-joins (the missing-date filter is on one side, so DuckDB
# applies it before joining): a filter over name + city would still build all those pairs.
# Birth date + surname and birth date + city were dropped: 3.1M more candidate pairs there, and no
# true pair that the other rules miss. Every true pair the old rules found is still found at 1M
# (371,709 of 371,737); on fake_1000, 1,504 instead of 1,536.
# Name + birth year (without the month) made 1.9M of the remaining 4.2M pairs at 1M, and found no
# true pair the others miss there or on fake_1000; with the month, 0.16M (predict 30 s -> 24 s).
# A rule is a tuple of columns / expressions (block_on) or a string of Splink SQL (l. / r.).
_NAME_CITY_NO_DATE = tuple(
    f"l.name_key = r.name_key AND l.city = r.city AND {side}.birth_date IS NULL" for side in "lr"
)
# fmt: off
_RULES = {
    "person": {
        "predict": [("id_number",), ("mobile",), ("email",),
                    ("birth_date", "district"), ("substr(id_number, 1, 17)",),
                    ("email_local",), ("name_key", "year(birth_date)", "month(birth_date)"),
                    ("birth_date", "substr(name_token_lo, 1, 1)"),
                    ("birth_date", "substr(name_token_hi, 1, 1)"),
                    ("name_token_lo", "year(birth_date)"), ("name_token_hi", "year(birth_date)"),
                    *_NAME_CITY_NO_DATE, ("name_key", "city", "floor(year(birth_date) / 2)"),
                    ("name_key", "city", "floor((year(birth_date) + 1) / 2)")],
        "prior": [("id_number",), ("mobile", "name_key")],
        "em": [("id_number",), ("name_key", "birth_date")],
        "prior_fallback": [("name_key", "birth_date"), ("email",)],
        "em_fallback": [("email",)],
    },
    "company": {
        "predict": [("credit_code",), ("company_core",), ("phone",), ("mobile",), ("email_domain",),
                    ("substr(credit_code, 1, 17)",)],
        "prior": [("credit_code",), ("company_core", "city")],
        "em": [("credit_code",), ("company_core",)],
        "prior_fallback": [("company_core",), ("phone",)],
        "em_fallback": [("phone",), ("email",)],
    },
}
# fmt: on


def _rules(customer_type: str, purpose: str) -> list[BlockingRuleCreator]:
    if customer_type not in _RULES:
        raise ValueError(f"unknown customer type {customer_type!r}; expected one of {CUSTOMER_TYPES}")
    return [_rule(columns) for columns in _RULES[customer_type][purpose]]


def _rule(rule: tuple[str, ...] | str) -> BlockingRuleCreator:
    return CustomRule(rule) if isinstance(rule, str) else block_on(*rule)


def prediction_rules(customer_type: str) -> list[BlockingRuleCreator]:
    """The blocking rules that generate a type's candidate pairs."""
    return _rules(customer_type, "predict")


def candidate_rule_groups(customer_type: str) -> list[list[BlockingRuleCreator]]:
    """prediction_rules grouped by the first column or expression they join on, in rule order.
    An incremental run looks up the candidates of a group with one join on the OR of its rules:
    DuckDB takes the shared key out of the OR as the hash join key (the 3 birth-date and the 5
    name-key person rules: two scans of the feature cache instead of eight; 0.43 -> 0.29 s at 1M)."""
    groups: dict[str, list[BlockingRuleCreator]] = {}
    for rule in _RULES[customer_type]["predict"]:
        groups.setdefault(_leading_key(rule), []).append(_rule(rule))
    return list(groups.values())


def _leading_key(rule: tuple[str, ...] | str) -> str:
    """The first column or expression a rule joins on ("l.x = r.x AND ..." for a SQL string)."""
    if isinstance(rule, tuple):
        return rule[0]
    match = re.match(r"\s*l\.(\w+)\s*=\s*r\.\1\b", rule)
    return match.group(1) if match else rule


def saved_model(path: Path, customer_type: str) -> dict:
    """A saved model with the current prediction blocking rules. The rules decide which pairs are
    scored, not what a pair scores: a model trained before the rules changed keeps its parameters,
    and full and incremental runs (which find candidates with prediction_rules) block alike."""
    model = json.loads(path.read_text(encoding="utf-8"))
    rules = model_settings(customer_type).create_settings_dict("duckdb")
    model["blocking_rules_to_generate_predictions"] = rules["blocking_rules_to_generate_predictions"]
    return model


def _training_rules(features: pl.DataFrame, customer_type: str, purpose: str) -> list[BlockingRuleCreator]:
    """The type's training rules that find at least one pair in `features`. When one finds none
    (data without resident IDs, say), the usable `<purpose>_fallback` rules are added."""

    def usable(columns: tuple[str, ...]) -> bool:
        frame = features.select(columns).drop_nulls()
        return frame.height > frame.unique().height

    rules = _RULES[customer_type]
    chosen = [c for c in rules[purpose] if usable(c)]
    if len(chosen) < len(rules[purpose]):
        chosen += [c for c in rules[f"{purpose}_fallback"] if usable(c) and c not in chosen]
        logger.warning("%s: %s rules without pairs; training with %s", customer_type, purpose, chosen)
    return [_rule(columns) for columns in chosen]


def model_settings(customer_type: str) -> SettingsCreator:
    """The untrained Splink settings for a customer type ('person' or 'company')."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_key",
        blocking_rules_to_generate_predictions=_rules(customer_type, "predict"),
        comparisons=_COMPARISONS[customer_type](),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,  # keeps the mw_* columns
    )


def prediction_linker(records: SplinkDataFrame, model: dict) -> Linker:
    """A Linker that predicts with a trained model. Splink's check of the model's columns is
    skipped: they were checked when the model was trained, and the check takes 0.2 s a Linker."""
    return Linker(records, model, log_level=None, validate_settings=False)


@contextmanager
def splink_session(frame: pl.DataFrame) -> Iterator[SplinkDataFrame]:
    """Register `frame` (as Arrow) on a private in-memory DuckDB connection for Splink."""
    con = duckdb.connect()
    try:
        yield DuckDBAPI(connection=con).register(frame.to_arrow(), dataset_display_name="records")
    finally:
        con.close()


def train_model(
    records: pl.DataFrame, customer_type: str, settings: MatchSettings, decisions: pl.DataFrame | None = None
) -> dict:
    """Train the Splink model for one customer type on staged records; returns the settings dict."""
    return train_with_labels(_of_type(records, customer_type), customer_type, settings, decisions)[0]


def train_model_with_labels(
    records: pl.DataFrame, customer_type: str, settings: MatchSettings, decisions: pl.DataFrame | None
) -> tuple[dict, LabelReport]:
    """train_model, also returning what the steward labels did (see train_with_labels)."""
    return train_with_labels(_of_type(records, customer_type), customer_type, settings, decisions)


def _of_type(records: pl.DataFrame, customer_type: str) -> pl.DataFrame:
    return prepare_features(records).filter(pl.col("customer_type") == customer_type)


def train_on_features(
    features: pl.DataFrame,
    customer_type: str,
    settings: MatchSettings,
    decisions: pl.DataFrame | None = None,
) -> dict:
    """The model of train_with_labels, without its label report."""
    return train_with_labels(features, customer_type, settings, decisions)[0]


def train_with_labels(
    features: pl.DataFrame,
    customer_type: str,
    settings: MatchSettings,
    decisions: pl.DataFrame | None = None,
) -> tuple[dict, LabelReport]:
    """Prior from deterministic rules, u by random sampling, m by EM over two blocking rules; then
    the steward labels, the prior by EM over the prediction pairs, the matches taken out of u, and
    the prior again.

    Steward `decisions` (matching.steward_decisions rows) between two records of `features` are
    labels: with at least settings.min_label_pairs merge labels, EM's m values are blended with the
    labels' (dq_project.matching.labels.refine_m_with_labels; fewer leave the model as without
    labels). Finally every labelled pair is scored: the report counts keep-apart pairs the model
    would merge and merge pairs it would miss (before the steward constraints apply).
    """
    with splink_session(features) as records, _captured_splink_warnings() as splink_warnings:
        linker = Linker(records, model_settings(customer_type), log_level=None)
        training = linker.training
        prior_rules = _training_rules(features, customer_type, "prior")
        training.estimate_probability_two_random_records_match(prior_rules, recall=settings.prior_recall)
        training.estimate_u_using_random_sampling(max_pairs=settings.max_pairs_u, seed=settings.seed)
        for rule in _training_rules(features, customer_type, "em"):
            training.estimate_parameters_using_expectation_maximisation(rule)
        model = linker.misc.save_model_to_json()
    sampled = max(min(settings.max_pairs_u, features.height * (features.height - 1) / 2), 1.0)
    model = complete_parameters(model, customer_type, sampled, splink_warnings)
    labels = pair_labels(decisions, features)
    report = report_for(labels)
    if report.merge_pairs >= settings.min_label_pairs:
        with splink_session(features) as records:
            linker = label_linker(records, model)
            model = refine_m_with_labels(linker, model, labels, settings.label_prior_pairs)
        model = complete_parameters(model, customer_type, sampled)  # m floors again
        report.used_for_m = True
    model["probability_two_random_records_match"] = estimate_prior(features, model, settings)
    unmix_u(model, 1.0 / sampled)
    model["probability_two_random_records_match"] = estimate_prior(features, model, settings)
    if labels.height:
        with splink_session(features) as records:
            linker = label_linker(records, model)
            report.keep_apart_merged, report.merges_missed = check_labels(
                linker, labels, settings.merge_threshold
            )
        logger.info("%s model: %s", customer_type, report.summary())
    return model, report


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


def estimate_prior(features: pl.DataFrame, model: dict, settings: MatchSettings) -> float:
    """The share of record pairs that match, by EM on the prior alone with m and u held fixed: the
    mean match probability over all pairs (blocked pairs scored, the others taken as non-matches),
    repeated until stable. Starts from the deterministic rules' estimate, whose assumed recall is a
    guess; on at most settings.max_prior_records records (a random sample: the share is the same)."""
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
        return prior
    for _ in range(50):
        log_odds = evidence + math.log2(prior / (1 - prior))
        updated = min(float((1 / (1 + 2 ** (-log_odds))).sum()) / pairs, 0.5)
        if abs(updated - prior) <= 1e-3 * prior:
            return updated
        prior = updated
    return prior


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
    model: dict, customer_type: str, sampled_pairs: float, notes: list[str] | None = None
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
        for level in levels:
            label = level.get("label_for_charts", level["sql_condition"])
            if "u_probability" not in level:
                level["u_probability"] = 1.0 / sampled_pairs
                filled.append(f"{name}: {label} (u)")
            if "m_probability" not in level:
                filled.append(f"{name}: {label} (m)")
            # EM also returns m values like 1e-27 (weight -88): one typo would veto any match.
            level["m_probability"] = max(
                level.get("m_probability", 0.0), min(level["u_probability"], UNOBSERVED_M)
            )
    if filled:
        message = (
            f"{customer_type} model: {len(filled)} level(s) not observed in training, given "
            f"fallback values: {'; '.join(filled)}"
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
