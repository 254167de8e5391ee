"""The rule catalog as a GX suite file: its vocabulary, the config applied to it, and the runner
(GX's counts against dq's row filter, attribution, a user's own expectations, Data Docs)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
from great_expectations.expectations.registry import get_expectation_impl
from stage_helpers import DAY, stage

from dq_project.expectations import build_suite, load_rules, read_suite, run_rules
from dq_project.expectations import runner as runner_module
from dq_project.expectations.datadocs import write_data_docs

NATIVE = {
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_be_between",
    "expect_column_pair_values_a_to_be_greater_than_b",
    "expect_column_pair_values_to_be_equal",
    "expect_compound_columns_to_be_unique",
    "expect_column_values_to_match_regex",
}
CUSTOM = {
    "expect_column_values_to_be_valid_cn_resident_id",
    "expect_column_values_to_be_valid_cn_credit_code",
    "expect_column_values_to_be_valid_phone_number",
    "expect_column_values_to_be_valid_email",
    "expect_column_values_to_be_placeholder_free",
    "expect_column_values_to_not_be_dummy_mobile",
    "expect_column_values_to_be_clean_name",
    "expect_column_values_to_be_in_parent_division",
    "expect_column_values_to_have_one_name_per_key",
    "expect_column_values_to_have_one_filled_among",
    "expect_column_values_to_have_area_code_of_city",
}


def test_the_suite_file_is_a_gx_suite_in_gx_vocabulary() -> None:
    text = (resources.files("dq_project.expectations") / "suites" / "staging_customers.json").read_text(
        "utf-8"
    )
    suite = json.loads(text)
    types = {e["type"] for e in suite["expectations"]}
    assert types == NATIVE | CUSTOM
    for expectation in suite["expectations"]:
        meta = expectation["meta"]
        assert {"rule_id", "dimension", "severity", "threshold", "description"} <= set(meta)
        assert meta["description"]["en"] and meta["description"]["zh"]
    # Every type is registered with GX, and GX builds every expectation of the file.
    for kind in CUSTOM:
        assert get_expectation_impl(kind).__name__.startswith("Expect")
    rules = load_rules()
    suite_object = build_suite(rules)
    assert len(suite_object.expectations) == len(rules) == len(suite["expectations"]) - 1  # one is off
    by_id = {e.meta["rule_id"]: e for e in suite_object.expectations}
    assert by_id["person_name_present"].row_condition is not None
    assert by_id["email_is_valid"].mostly == pytest.approx(0.95)
    assert by_id["record_key_unique"].severity.value == "critical"


def test_config_overrides_threshold_severity_enabled_and_params() -> None:
    rules = {
        r.id: r
        for r in load_rules(
            {
                "email_is_valid": {"threshold": 0.1, "severity": "ERROR"},
                "gender_is_allowed": {"params": {"value_set": ["M", "F", "U"]}},
                "record_recently_updated": {"params": {"max_days": 30}},
                "company_credit_code_present": {"enabled": True},
                "name_is_clean": {"enabled": False},
            }
        )
    }
    assert (rules["email_is_valid"].threshold, rules["email_is_valid"].severity) == (0.1, "ERROR")
    assert rules["gender_is_allowed"].kwargs["value_set"] == ["M", "F", "U"]
    assert rules["record_recently_updated"].params["max_days"] == 30
    assert "company_credit_code_present" in rules and "name_is_clean" not in rules
    for bad in (
        {"no_such_rule": {"threshold": 0.1}},
        {"email_is_valid": {"threshold": 1.5}},
        {"email_is_valid": {"treshold": 0.1}},
        {"gender_is_allowed": {"params": {"allowed": ["M"]}}},
    ):
        with pytest.raises(ValueError):
            load_rules(bad)


def test_company_credit_code_is_not_demanded_by_default() -> None:
    staged = stage([{"customer_type": "company", "company_name": "某某科技有限公司", "name": ""}])
    failures = run_rules(staged, load_rules(), DAY).failures
    assert failures.filter(pl.col("field") == "credit_code").is_empty()
    demanded = load_rules({"company_credit_code_present": {"enabled": True}})
    failures = run_rules(staged, demanded, DAY).failures.filter(pl.col("field") == "credit_code")
    assert failures.select("rule_id", "reason").rows() == [("company_credit_code_present", "missing:blank")]


def test_a_missing_field_is_reported_under_that_field_with_its_reason() -> None:
    staged = stage([{"gender": ""}, {"gender": "无"}, {}])
    rules = load_rules(scopes={"crm": {"required": ["name", "gender", "mobile"]}})
    failures = run_rules(staged, rules, DAY).failures.filter(pl.col("rule_id") == "gender_present")
    assert failures.select("field", "reason").rows() == [
        ("gender", "missing:blank"),
        ("gender", "missing:placeholder:无"),
    ]


def test_per_source_applicability_required_and_skip() -> None:
    rows = [{"source": "web", "owner": "", "mobile": ""}, {"source": "crm", "owner": "", "mobile": ""}]
    staged = stage(rows)
    scopes = {
        "web": {"required": ["name", "email"], "skip": ["mobile_is_not_dummy"]},
        "crm": {"required": None},
    }
    results = run_rules(staged, load_rules(scopes=scopes), DAY)
    mobile = results.results.filter(pl.col("rule_id") == "mobile_present")
    assert mobile.select("evaluated", "failed").row(0) == (1, 1)  # the crm record only
    dummy = results.results.filter(pl.col("rule_id") == "mobile_is_not_dummy")
    assert dummy["evaluated"].item() == 0
    with pytest.raises(ValueError, match="unknown rules"):
        load_rules(scopes={"web": {"skip": ["no_such_rule"]}})


def test_timeliness_measures_staleness_without_alerting() -> None:
    staged = stage([{"updated_at": "2015-01-01 00:00:00", "created_at": "2014-01-01 00:00:00"}] * 3)
    measured = run_rules(staged, load_rules(), DAY).results.filter(
        pl.col("rule_id") == "record_recently_updated"
    )
    assert measured.select("failed_ratio", "passed").row(0) == (1.0, True)
    strict = load_rules({"record_recently_updated": {"threshold": 0.2}})
    alert = run_rules(staged, strict, DAY).results.filter(pl.col("rule_id") == "record_recently_updated")
    assert not alert["passed"].item()


def test_a_users_own_expectations_run_and_are_reported_row_by_row(tmp_path: Path) -> None:
    suite = {
        "name": "mine",
        "expectations": [
            {
                "type": "expect_column_values_to_match_regex",
                "kwargs": {"column": "email", "regex": "@qq\\.com$"},
            },
            {
                "type": "expect_column_value_lengths_to_equal",
                "kwargs": {"column": "mobile", "value": 14},
                "meta": {"rule_id": "mobile_e164_length", "dimension": "validity", "severity": "ERROR"},
            },
        ],
    }
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(suite), encoding="utf-8")
    staged = stage([{"email": "a@163.com"}, {}, {"mobile": "+442079460000"}])
    run = run_rules(staged, load_rules(suites=[path]), DAY)
    results = {r["rule_id"]: r for r in run.results.to_dicts()}
    assert results["email__column_values_to_match_regex"]["failed"] == 1
    assert (
        results["mobile_e164_length"]["failed"] == 1 and results["mobile_e164_length"]["severity"] == "ERROR"
    )
    # The length rule has no dq row filter: its failing rows came from GX's COMPLETE format.
    failures = run.failures.filter(pl.col("rule_id") == "mobile_e164_length")
    assert failures.select("record_key", "field").rows() == [("crm:R002", "mobile")]


def test_the_filter_disagreeing_with_gx_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    staged = stage([{"gender": "X"}, {}])
    real = runner_module.failing_mask

    def lossy(kind, kwargs, df, parameters):
        mask = real(kind, kwargs, df, parameters)
        return None if mask is None else mask & False

    monkeypatch.setattr(runner_module, "failing_mask", lossy)
    with pytest.raises(RuntimeError, match="GX counted 1 failures, the filter 0"):
        run_rules(staged, load_rules(), DAY)


def test_data_docs_are_written_without_raw_values(tmp_path: Path) -> None:
    staged = stage([{"mobile": "13666666666"}, {"mobile": "1597531864"}, {"email": "x@@qq.com"}])
    rules = load_rules()
    run = run_rules(staged, rules, DAY)
    page = write_data_docs(run.validation, build_suite(rules), tmp_path / "gx")
    html = page.read_text(encoding="utf-8")
    assert "placeholder_free" in html or "placeholder" in html
    assert "mobile_is_not_dummy" in html and "email_is_valid" in html  # rule ids in the descriptions
    assert "1597531864" not in html and "13666666666" not in html and "x@@qq.com" not in html
    assert (tmp_path / "gx" / "suite.html").exists()


def test_the_frame_must_carry_the_columns_the_suite_names() -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        run_rules(stage([{}]).drop("email"), load_rules(), DAY)
    assert run_rules(stage([{}]), [], DAY).results.is_empty()
    assert read_suite()["name"] == "staging_customers"
