"""Normalizers + rule catalog on ~2,000 generated rows: every planted defect kind found, clean
fields left alone (the fast version of `python -m bench validation`)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import polars as pl
import pytest
from dq_generator.accuracy import accuracy, false_flag_rate, stage_generated
from dq_generator.defects import KINDS

from dq_project.expectations import load_rules, run_rules

DAY = dt.date(2026, 11, 20)
CONFIG = Path(__file__).parents[2] / "dq.toml"


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    sources = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["sources"]
    staged, truth = stage_generated(2000, 3, tmp_path_factory.mktemp("acc"), sources, DAY)
    run = run_rules(staged, load_rules(), DAY)
    return staged, run.failures, accuracy(staged, truth, run.failures), truth


def test_every_planted_kind_is_found_and_clean_fields_are_not_flagged(scored) -> None:
    _, _, table, _ = scored
    assert set(table["kind"]) == set(KINDS)  # every kind the generator plants, the new ones too
    for row in table.iter_rows(named=True):
        assert row["recall"] >= 0.98, row
        assert row["false_rate"] < 0.005, row


def test_messy_but_valid_values_are_never_flagged(scored) -> None:
    staged, failures, table, _ = scored
    fullwidth = table.filter(pl.col("kind") == "fullwidth")
    assert fullwidth.height == 3 and fullwidth["found"].sum() == 0
    # Separators, +86/0086 prefixes and full-width digits in mobiles are all valid once normalized.
    messy = staged.filter(pl.col("mobile_status") == "normalized")
    assert messy.height > 100
    flagged = failures.filter(pl.col("rule_id") == "mobile_is_valid_e164")["record_key"]
    assert not messy["record_key"].is_in(flagged.implode()).any()


def test_valid_fields_are_rarely_flagged_by_any_rule(scored) -> None:
    staged, failures, _, truth = scored
    rate = false_flag_rate(staged, truth, failures)
    assert rate["valid"] > 5 * staged.height and rate["rate"] < 0.005, rate
