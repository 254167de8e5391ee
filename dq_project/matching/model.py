"""Splink models, one per customer type: comparisons, blocking rules, training, parameter checks.

Persons and companies never meet: each type has its own model and is linked on its own private
in-memory DuckDB connection, so Splink's `__splink__*` tables never reach the warehouse file.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl
import splink.comparison_level_library as cll
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.comparison_library import CustomComparison
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from dq_project.matching.features import prepare_features

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


class ModelTrainingError(RuntimeError):
    """Training left a comparison without any m estimate (a blocking-rule design error)."""


class UntrainedLevelWarning(UserWarning):
    """Some comparison levels were not observed in training and got fallback m/u values."""


def _comparison(name: str, null_col: str, *levels: Any) -> CustomComparison:
    return CustomComparison(
        [cll.NullLevel(null_col), *levels, cll.ElseLevel()], output_column_name=name
    )


def _near_miss(col: str, label: str) -> cll.CustomLevel:
    """One substitution (incl. the check character) or one transposition between 18-char codes.

    hamming() first: Damerau-Levenshtein on every sampled pair dominated u estimation.
    """
    left, right = f'"{col}_l"', f'"{col}_r"'
    sql = (f"hamming({left}, {right}) <= 1 OR "
           f"(hamming({left}, {right}) = 2 AND damerau_levenshtein({left}, {right}) <= 1)")
    return cll.CustomLevel(sql, label)


def _mobile_address(fuzzy: float) -> CustomComparison:
    """Mobile, address and city as one comparison. A household shares a number and an address
    (family members on one mobile), so as separate comparisons they would count twice."""
    city_agrees = 'coalesce("city_l" = "city_r", true)'
    same_place = f'("address_l" = "address_r" OR "address_street_l" = "address_street_r") AND {city_agrees}'
    both_mobiles = '"mobile_l" IS NOT NULL AND "mobile_r" IS NOT NULL'
    missing = cll.CustomLevel(
        '("mobile_l" IS NULL OR "mobile_r" IS NULL) AND ("address_l" IS NULL OR "address_r" IS NULL)'
        ' AND ("city_l" IS NULL OR "city_r" IS NULL)', "Mobile and address missing",
    ).configure(is_null_level=True)
    levels = [
        cll.CustomLevel(f'"mobile_l" = "mobile_r" AND {same_place}', "Same mobile and address"),
        cll.CustomLevel('"mobile_l" = "mobile_r"', "Same mobile, address differs or missing"),
        cll.CustomLevel('"mobile_last8_l" = "mobile_last8_r"', "Same last 8 mobile digits"),
        cll.CustomLevel(f"{same_place} AND {both_mobiles}", "Same address, mobiles differ"),
        cll.CustomLevel(same_place, "Same address, a mobile missing"),
        cll.CustomLevel(f'jaro_winkler_similarity("address_l", "address_r") >= {fuzzy} AND {city_agrees}',
                        f"Similar address (Jaro-Winkler >= {fuzzy})"),
        cll.CustomLevel('"city_l" = "city_r" AND "district_l" = "district_r"', "Same city and district"),
        cll.ExactMatchLevel("city", term_frequency_adjustments=True),
    ]
    return CustomComparison([missing, *levels, cll.ElseLevel()], output_column_name="mobile_address")


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
        ' AND day("birth_date_l") = month("birth_date_r")', "Day and month swapped",
    )
    digits = "strftime(\"birth_date_{}\", '%Y%m%d')"
    birth_typo = cll.CustomLevel(
        f"damerau_levenshtein({digits.format('l')}, {digits.format('r')}) <= 1", "Birth dates one digit apart"
    )
    return [
        _comparison("id_number", "id_number", cll.ExactMatchLevel("id_number"),
                    _near_miss("id_number", "ID near miss (one typo)")),
        _comparison("email", "email", cll.ExactMatchLevel("email"),
                    cll.ExactMatchLevel("email_local", term_frequency_adjustments=True)),
        _comparison("name", "name_key", cll.ExactMatchLevel("name_chars", term_frequency_adjustments=True),
                    cll.ExactMatchLevel("name_key", term_frequency_adjustments=True), name_prefix, one_char,
                    py_typo),
        _comparison("birth_date", "birth_date", cll.ExactMatchLevel("birth_date"), birth_swapped, birth_typo),
        _comparison("gender", "gender", cll.ExactMatchLevel("gender")),
        _mobile_address(0.9),
    ]


def _company_comparisons() -> list[CustomComparison]:
    return [
        _comparison("credit_code", "credit_code", cll.ExactMatchLevel("credit_code"),
                    _near_miss("credit_code", "Credit code near miss (one typo)")),
        _comparison("company_name", "company_core",
                    cll.ExactMatchLevel("company_core", term_frequency_adjustments=True),
                    cll.JaroWinklerLevel("company_core", 0.9)),
        _comparison("contact_name", "name_key", cll.ExactMatchLevel("name_key")),
        _comparison("phone", "phone", cll.ExactMatchLevel("phone")),
        _comparison("email", "email", cll.ExactMatchLevel("email"), cll.ExactMatchLevel("email_domain")),
        _mobile_address(0.85),
    ]


@dataclass(frozen=True)
class _Design:
    """A customer type's model: comparisons, prediction blocking, prior rules, EM blocking."""

    comparisons: list[CustomComparison]
    blocking: list[BlockingRuleCreator]
    deterministic: list[BlockingRuleCreator]  # near-certain matches, for the prior
    em: list[BlockingRuleCreator]  # together these leave no comparison without m estimates


def _design(customer_type: str) -> _Design:
    if customer_type == "person":
        # EM blocks on the ID (pure matches) and name + birth date: blocking on the mobile instead
        # would teach EM that family members sharing a number are duplicates.
        return _Design(
            comparisons=_person_comparisons(),
            blocking=[block_on("id_number"), block_on("mobile"), block_on("email"),
                      block_on("name_key", "city"), block_on("birth_date", "surname_py"),
                      block_on("birth_date", "district"), block_on("substr(id_number, 1, 17)")],
            deterministic=[block_on("id_number"), block_on("mobile", "name_key")],
            em=[block_on("id_number"), block_on("name_key", "birth_date")],
        )
    if customer_type == "company":
        return _Design(
            comparisons=_company_comparisons(),
            blocking=[block_on("credit_code"), block_on("company_core"), block_on("phone"),
                      block_on("mobile"), block_on("email_domain"), block_on("substr(credit_code, 1, 17)")],
            deterministic=[block_on("credit_code"), block_on("company_core", "city")],
            em=[block_on("credit_code"), block_on("company_core")],
        )
    raise ValueError(f"unknown customer type {customer_type!r}; expected one of {CUSTOMER_TYPES}")


def model_settings(customer_type: str) -> SettingsCreator:
    """The untrained Splink settings for a customer type ('person' or 'company')."""
    design = _design(customer_type)
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_key",
        comparisons=design.comparisons,
        blocking_rules_to_generate_predictions=design.blocking,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,  # keeps the mw_* columns
    )


@contextmanager
def splink_session(frame: pl.DataFrame) -> Iterator[SplinkDataFrame]:
    """Register `frame` (as Arrow) on a private in-memory DuckDB connection for Splink."""
    con = duckdb.connect()
    try:
        yield DuckDBAPI(connection=con).register(frame.to_arrow(), dataset_display_name="records")
    finally:
        con.close()


def train_model(records: pl.DataFrame, customer_type: str, settings: MatchSettings) -> dict:
    """Train the Splink model for one customer type on staged records; returns the settings dict."""
    features = prepare_features(records).filter(pl.col("customer_type") == customer_type)
    return train_on_features(features, customer_type, settings)


def train_on_features(features: pl.DataFrame, customer_type: str, settings: MatchSettings) -> dict:
    """Prior from deterministic rules, u by random sampling, m by EM over two blocking rules."""
    design = _design(customer_type)
    with splink_session(features) as records, _captured_splink_warnings() as splink_warnings:
        linker = Linker(records, model_settings(customer_type), log_level=None)
        training = linker.training
        training.estimate_probability_two_random_records_match(
            design.deterministic, recall=settings.prior_recall
        )
        training.estimate_u_using_random_sampling(max_pairs=settings.max_pairs_u, seed=settings.seed)
        for rule in design.em:
            training.estimate_parameters_using_expectation_maximisation(rule)
        model = linker.misc.save_model_to_json()
    sampled = min(settings.max_pairs_u, features.height * (features.height - 1) / 2)
    return complete_parameters(model, customer_type, max(sampled, 1.0), splink_warnings)


def complete_parameters(model: dict, customer_type: str, sampled_pairs: float,
                        notes: list[str] | None = None) -> dict:
    """Give unobserved levels explicit values so predictions survive a save/load round trip.

    A level never seen among random pairs gets u = 1/sampled_pairs (rarer than anything observed).
    A level never seen among EM's matches gets m = min(u, UNOBSERVED_M): it never counts for a
    match, and a common level (different IDs, "all other") counts strongly against one. That is
    also the floor for every m, so no single level can veto a match outright. A
    comparison whose column is empty ends up neutral; one with u values but no m value at all
    means no EM blocking rule covered it (a design error): ModelTrainingError.
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
            level["m_probability"] = max(level.get("m_probability", 0.0),
                                         min(level["u_probability"], UNOBSERVED_M))
    if filled:
        message = (f"{customer_type} model: {len(filled)} level(s) not observed in training, given "
                   f"fallback values: {'; '.join(filled)}")
        logger.warning(message)
        logger.debug("Splink training warnings:%s", "".join(f"\n  {n}" for n in notes or []))
        warnings.warn(message, UntrainedLevelWarning, stacklevel=3)
    return model


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _captured_splink_warnings() -> Iterator[list[str]]:
    """Collect Splink's training warnings (they would go to stderr) for one summary message."""
    splink_logger = logging.getLogger("splink")
    handler = _ListHandler()
    splink_logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        splink_logger.removeHandler(handler)
