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
from splink.internals.splink_dataframe import SplinkDataFrame

from dq_project.matching.features import prepare_features

logger = logging.getLogger(__name__)

CUSTOMER_TYPES = ("person", "company")


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
    """Some comparison levels were not observed in training; they were given neutral weights."""


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


def _mobile() -> CustomComparison:
    return _comparison("mobile", "mobile", cll.ExactMatchLevel("mobile"), cll.ExactMatchLevel("mobile_last8"))


def _address(*thresholds: float) -> CustomComparison:
    fuzzy = [cll.JaroWinklerLevel("address", t) for t in thresholds]
    return _comparison("address", "address", cll.ExactMatchLevel("address"),
                       cll.ExactMatchLevel("address_street"), *fuzzy)


def _person_comparisons() -> list[CustomComparison]:
    name_prefix = cll.CustomLevel(
        'starts_with("name_py_l", "name_py_r") OR starts_with("name_py_r", "name_py_l")',
        "One pinyin name is the other with a character dropped",
    )
    birth_typo = cll.CustomLevel(
        'damerau_levenshtein(strftime("birth_date_l", \'%Y%m%d\'), strftime("birth_date_r", \'%Y%m%d\')) <= 1',
        "Birth dates one digit apart",
    )
    same_district = cll.CustomLevel(
        '"city_l" = "city_r" AND "district_l" = "district_r"', "Same city and district"
    )
    return [
        _comparison("id_number", "id_number", cll.ExactMatchLevel("id_number"),
                    _near_miss("id_number", "ID near miss (one typo)")),
        _mobile(),
        _comparison("email", "email", cll.ExactMatchLevel("email"),
                    cll.ExactMatchLevel("email_local", term_frequency_adjustments=True)),
        _comparison("name", "name_key", cll.ExactMatchLevel("name_chars", term_frequency_adjustments=True),
                    cll.ExactMatchLevel("name_key", term_frequency_adjustments=True), name_prefix,
                    cll.JaroWinklerLevel("name_py", 0.9)),
        _comparison("birth_date", "birth_date", cll.ExactMatchLevel("birth_date"), birth_typo),
        _comparison("gender", "gender", cll.ExactMatchLevel("gender")),
        _comparison("city", "city", same_district, cll.ExactMatchLevel("city", term_frequency_adjustments=True)),
        _address(0.9, 0.75),
    ]


def _company_comparisons() -> list[CustomComparison]:
    return [
        _comparison("credit_code", "credit_code", cll.ExactMatchLevel("credit_code"),
                    _near_miss("credit_code", "Credit code near miss (one typo)")),
        _comparison("company_name", "company_core",
                    cll.ExactMatchLevel("company_core", term_frequency_adjustments=True),
                    cll.JaroWinklerLevel("company_core", 0.9)),
        _comparison("contact_name", "name_key", cll.ExactMatchLevel("name_key")),
        _mobile(),
        _comparison("phone", "phone", cll.ExactMatchLevel("phone")),
        _comparison("email", "email", cll.ExactMatchLevel("email"), cll.ExactMatchLevel("email_domain")),
        _comparison("city", "city", cll.ExactMatchLevel("city")),
        _address(0.85),
    ]


# Per type: comparisons, prediction blocking rules, deterministic rules (prior), EM blocking rules.
_DESIGN = {
    "person": {
        "comparisons": _person_comparisons,
        "blocking": lambda: [block_on("id_number"), block_on("mobile"), block_on("email"),
                             block_on("name_key", "city"), block_on("birth_date", "surname_py")],
        "deterministic": lambda: [block_on("id_number"), block_on("mobile", "name_key")],
        "em": lambda: [block_on("mobile"), block_on("name_key", "birth_date")],
    },
    "company": {
        "comparisons": _company_comparisons,
        "blocking": lambda: [block_on("credit_code"), block_on("company_core"), block_on("phone"),
                             block_on("mobile"), block_on("email_domain")],
        "deterministic": lambda: [block_on("credit_code"), block_on("company_core", "city")],
        "em": lambda: [block_on("credit_code"), block_on("company_core")],
    },
}


def model_settings(customer_type: str) -> SettingsCreator:
    """The untrained Splink settings for a customer type ('person' or 'company')."""
    design = _DESIGN[customer_type]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_key",
        comparisons=design["comparisons"](),
        blocking_rules_to_generate_predictions=design["blocking"](),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
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
    design = _DESIGN[customer_type]
    with splink_session(features) as records, _captured_splink_warnings() as splink_warnings:
        linker = Linker(records, model_settings(customer_type), log_level=None)
        training = linker.training
        training.estimate_probability_two_random_records_match(
            design["deterministic"](), recall=settings.prior_recall
        )
        training.estimate_u_using_random_sampling(max_pairs=settings.max_pairs_u, seed=settings.seed)
        for rule in design["em"]():
            training.estimate_parameters_using_expectation_maximisation(rule)
        model = linker.misc.save_model_to_json()
    sampled = min(settings.max_pairs_u, features.height * (features.height - 1) / 2)
    return complete_parameters(model, customer_type, max(sampled, 1.0), splink_warnings)


def complete_parameters(model: dict, customer_type: str, sampled_pairs: float,
                        notes: list[str] | None = None) -> dict:
    """Give unobserved levels explicit values so predictions survive a save/load round trip.

    A level never seen among random pairs gets u = 1/sampled_pairs (rarer than anything observed);
    a level never seen by EM gets m = u (Bayes factor 1: no evidence either way). A comparison whose
    column is empty gets neutral values throughout; one with u values but no m value at all means
    no EM blocking rule covered it (a design error): ModelTrainingError.
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
                level["m_probability"] = level["u_probability"]
                filled.append(f"{name}: {label} (m)")
    if filled:
        message = (f"{customer_type} model: {len(filled)} level(s) not observed in training, given "
                   f"neutral values: {'; '.join(filled)}")
        logger.warning("%s%s", message, "".join(f"\n  splink: {n}" for n in notes or []))
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
