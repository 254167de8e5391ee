"""The rule catalog, the GX suite built from it, and GX's counts cross-checked against plain polars."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from dq_project.expectations import build_suite, default_rules, run_rules
from dq_project.expectations.catalog import EMAIL, PHONE_E164, Rule
from dq_project.expectations.suite import RULE_ID_META

AS_OF = dt.date(2026, 1, 15)
BASE = {
    "source": "crm", "customer_type": "person", "name": "张三", "gender": "M",
    "birth_date": dt.date(1985, 3, 12), "id_number": "11010519850312001X", "company_name": None,
    "credit_code": None, "mobile": "+8613812345678", "phone": "+861012345678", "email": "zhang@qq.com",
    "created_at": dt.datetime(2023, 1, 5, 10, 22), "updated_at": dt.datetime(2023, 6, 1, 9, 0),
    "id_birth_date": dt.date(1985, 3, 12), "id_gender": "M", "id_number_status": "ok",
    "credit_code_status": "missing", "birth_date_status": "ok",
}
COMPANY = {
    "customer_type": "company", "name": None, "gender": None, "birth_date": None, "id_number": None,
    "company_name": "深圳市某某科技有限公司", "credit_code": "91440300MA5FXXXX1K",
    "credit_code_status": "ok", "id_number_status": "missing", "birth_date_status": "missing",
    "id_birth_date": None, "id_gender": None,
}
# Row number -> the defect planted there (rows 24..29 are clean; every 5th row is a company).
DEFECTS = {
    1: {"mobile": "+86138123456"},  # 11 digits after +: generic E.164 shape, wrong CN length
    2: {"mobile": "13812345678"},
    3: {"mobile": None},
    4: {"email": "bad@@qq.com"},
    6: {"email": "no-at-sign"},
    7: {"email": None, "phone": "010-1234"},
    8: {"id_number": "110105198503120011", "id_number_status": "invalid", "id_birth_date": None,
        "id_gender": None},
    9: {"gender": "X"},
    10: {"credit_code": "91440300MA5FXXXX1A", "credit_code_status": "invalid"},
    11: {"customer_type": "other"},
    12: {"birth_date": dt.date(1850, 1, 1)},
    13: {"birth_date": dt.date(2099, 1, 1)},
    14: {"birth_date": None, "birth_date_status": "invalid"},
    15: {"updated_at": dt.datetime(2022, 12, 31)},
    16: {"birth_date": dt.date(1985, 3, 13)},
    17: {"gender": "F"},
    18: {"name": None},
    19: {"customer_type": None},
    20: {"company_name": None},
    21: {"source_record_id": None},
    22: {"source_record_id": "C0023"},  # duplicates row 23's key
    24: {"mobile": "+14155552671"},  # a valid foreign number
}


def staged_frame() -> pl.DataFrame:
    """~30 staged rows with one planted defect per row listed in DEFECTS."""
    rows = []
    for i in range(30):
        row = {**BASE, "source_record_id": f"C{i:04d}", **(COMPANY if i % 5 == 0 else {})}
        rows.append(row | DEFECTS.get(i, {}))
    schema = {k: pl.Date if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else None
              for k, v in BASE.items()}
    frame = pl.DataFrame(rows, schema_overrides={k: v for k, v in schema.items() if v})
    key = pl.concat_str([pl.col("source"), pl.lit(":"), pl.col("source_record_id")])
    return frame.with_columns(key.alias("record_key"))


def present(column: str) -> pl.Expr:
    return pl.col(f"{column}_status").is_null() | (pl.col(f"{column}_status") != "missing")


MOBILE_OK = pl.col("mobile").str.contains(r"^\+861[3-9]\d{9}$") | (
    pl.col("mobile").str.contains(PHONE_E164) & ~pl.col("mobile").str.starts_with("+86")
)
ALL = pl.int_range(pl.len()) >= 0
PERSON, COMPANY_ROW = pl.col("customer_type") == "person", pl.col("customer_type") == "company"

# rule id -> (rows the rule evaluates, rows that fail), written independently of GX.
EXPECTED: dict[str, tuple[pl.Expr, pl.Expr]] = {
    "source_record_id_present": (ALL, pl.col("source_record_id").is_null()),
    "record_key_unique": (pl.col("record_key").is_not_null(),
                          pl.col("record_key").is_not_null() & pl.col("record_key").is_duplicated()),
    "customer_type_present": (ALL, pl.col("customer_type").is_null()),
    "person_name_present": (PERSON, PERSON & pl.col("name").is_null()),
    "company_name_present": (COMPANY_ROW, COMPANY_ROW & pl.col("company_name").is_null()),
    "mobile_present": (ALL, pl.col("mobile").is_null()),
    "customer_type_is_allowed": (pl.col("customer_type").is_not_null(),
                                 ~pl.col("customer_type").is_in(["person", "company"])),
    "gender_is_allowed": (pl.col("gender").is_not_null(), ~pl.col("gender").is_in(["M", "F"])),
    "mobile_is_valid_e164": (pl.col("mobile").is_not_null(), ~MOBILE_OK),
    "phone_is_valid_e164": (pl.col("phone").is_not_null(), ~pl.col("phone").str.contains(PHONE_E164)),
    "email_is_valid": (pl.col("email").is_not_null(), ~pl.col("email").str.contains(EMAIL)),
    "id_number_checksum_valid": (present("id_number") & pl.col("id_number_status").is_not_null(),
                                 pl.col("id_number_status") == "invalid"),
    "credit_code_checksum_valid": (present("credit_code") & pl.col("credit_code_status").is_not_null(),
                                   pl.col("credit_code_status") == "invalid"),
    "birth_date_is_valid": (present("birth_date") & pl.col("birth_date_status").is_not_null(),
                            pl.col("birth_date_status") == "invalid"),
    "birth_date_in_range": (pl.col("birth_date").is_not_null(),
                            ~pl.col("birth_date").is_between(dt.date(1900, 1, 1), AS_OF)),
    "updated_after_created": (pl.col("updated_at").is_not_null() & pl.col("created_at").is_not_null(),
                              pl.col("updated_at") < pl.col("created_at")),
    "birth_date_matches_id": (pl.col("birth_date").is_not_null() & pl.col("id_birth_date").is_not_null(),
                              pl.col("birth_date") != pl.col("id_birth_date")),
    "gender_matches_id": (pl.col("gender").is_not_null() & pl.col("id_gender").is_not_null(),
                          pl.col("gender") != pl.col("id_gender")),
}


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return staged_frame()


@pytest.fixture(scope="module")
def run(frame):
    return run_rules(frame, default_rules(as_of=AS_OF))


def test_catalog_is_complete_and_well_formed():
    rules = default_rules()
    ids = [rule.id for rule in rules]
    assert len(rules) >= 10 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]+", rule_id) for rule_id in ids)
    assert {"completeness", "validity", "consistency", "uniqueness"} <= {r.dimension for r in rules}
    for rule in rules:
        assert rule.severity in ("ERROR", "WARN") and 0.0 <= rule.threshold <= 1.0
        assert rule.fields and rule.description_en and rule.description_zh
        assert rule.threshold == 0.0 if rule.severity == "ERROR" else 0.05 <= rule.threshold <= 0.2
    by_id = {rule.id: rule for rule in rules}
    assert {r.id for r in rules if r.severity == "ERROR"} == {"source_record_id_present", "record_key_unique"}
    assert [str(t) for t in by_id["person_name_present"].row_condition] == ['customer_type == "person"']
    assert "id_number_status" in by_id["id_number_checksum_valid"].description_en
    assert set(EXPECTED) == set(ids), "every rule needs a polars cross-check"


def test_suite_has_one_tagged_expectation_per_rule():
    rules = default_rules()
    suite = build_suite(rules)
    assert [e.meta[RULE_ID_META] for e in suite.expectations] == [rule.id for rule in rules]
    person_rule = next(e for e in suite.expectations if e.meta[RULE_ID_META] == "person_name_present")
    assert person_rule.row_condition is not None


def test_overrides_change_threshold_severity_and_enabled():
    rules = default_rules({"email_is_valid": {"threshold": 0.2, "severity": "ERROR"},
                           "phone_is_valid_e164": {"enabled": False},
                           "gender_is_allowed": {"threshold": None}})
    by_id = {rule.id: rule for rule in rules}
    assert (by_id["email_is_valid"].threshold, by_id["email_is_valid"].severity) == (0.2, "ERROR")
    assert "phone_is_valid_e164" not in by_id
    assert by_id["gender_is_allowed"].threshold == 0.05
    with pytest.raises(ValueError, match="unknown rules"):
        default_rules({"no_such_rule": {"threshold": 0.1}})
    with pytest.raises(ValueError, match="threshold"):
        default_rules({"email_is_valid": {"threshold": 1.5}})
    with pytest.raises(ValueError, match="override keys"):
        default_rules({"email_is_valid": {"treshold": 0.1}})


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_gx_counts_agree_with_polars(run, frame, rule_id):
    evaluated_expr, failed_expr = EXPECTED[rule_id]
    expected = frame.select(
        evaluated=evaluated_expr.fill_null(False).sum(),
        failed=(evaluated_expr & failed_expr).fill_null(False).sum(),
    ).row(0, named=True)
    got = run.results.filter(pl.col("rule_id") == rule_id).row(0, named=True)
    assert (got["evaluated"], got["failed"]) == (expected["evaluated"], expected["failed"])
    assert expected["failed"] > 0, "every rule has a planted defect"
    keys = frame.filter((evaluated_expr & failed_expr).fill_null(False))["record_key"].to_list()
    failing = run.failures.filter(pl.col("rule_id") == rule_id)["record_key"].to_list()
    assert sorted(failing, key=str) == sorted(keys, key=str)


def test_results_frame_shape_and_pass_logic(run):
    results = run.results
    assert results.columns == ["rule_id", "dimension", "severity", "fields", "threshold", "evaluated",
                               "failed", "failed_ratio", "passed", "description_en", "description_zh"]
    expected = (results["failed"] / results["evaluated"]).fill_nan(0.0)
    assert (results["failed_ratio"] - expected).abs().max() < 1e-12
    assert results["passed"].to_list() == (results["failed_ratio"] <= results["threshold"]).to_list()
    ratio = results.filter(pl.col("rule_id") == "updated_after_created")["failed_ratio"][0]
    assert ratio == pytest.approx(1 / 30)
    pair = results.filter(pl.col("rule_id") == "birth_date_matches_id")
    assert pair["fields"][0] == "birth_date,id_birth_date"


def test_failures_are_masked(run, frame):
    failures = run.failures
    assert failures.columns == ["rule_id", "record_key", "field", "value_masked"]
    masked = dict(zip(failures["rule_id"] + "|" + failures["record_key"].fill_null(""),
                      failures["value_masked"], strict=True))
    assert masked["mobile_is_valid_e164|crm:C0002"] == "138****5678"
    assert masked["email_is_valid|crm:C0004"] == "b***@qq.com"
    assert masked["id_number_checksum_valid|crm:C0008"] == "1101**********0011"
    assert masked["credit_code_checksum_valid|crm:C0010"] == "9144**********XX1A"
    raw = {v for column in ("mobile", "email", "id_number", "credit_code", "name") for v in frame[column]
           if v is not None}
    assert not raw & set(failures["value_masked"].drop_nulls())
    identifiers = failures.filter(pl.col("field").is_in(["mobile", "id_number", "credit_code"]))
    assert identifiers["value_masked"].null_count() == identifiers.filter(
        pl.col("rule_id") == "mobile_present"
    ).height
    for value in identifiers["value_masked"].drop_nulls():
        assert not re.search(r"\d{5,}", value)


def test_out_of_ns_range_dates_still_fail():
    frame = staged_frame().with_columns(
        pl.when(pl.col("source_record_id") == "C0001").then(dt.date(1000, 1, 1))
        .otherwise(pl.col("birth_date")).alias("birth_date")
    )
    rule = next(r for r in default_rules(as_of=AS_OF) if r.id == "birth_date_in_range")
    result = run_rules(frame, [rule])
    assert "crm:C0001" in result.failures["record_key"].to_list()
    assert result.failures.filter(pl.col("record_key") == "crm:C0001")["value_masked"][0] == "1000-**-**"


def test_missing_columns_and_empty_rules():
    with pytest.raises(ValueError, match="lacks columns"):
        run_rules(staged_frame().drop("email"), default_rules())
    empty = run_rules(staged_frame(), [])
    assert empty.results.is_empty() and empty.failures.is_empty()
    assert isinstance(default_rules()[0], Rule)
