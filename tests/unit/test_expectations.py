"""The rule catalog, the GX suite built from it, and GX's counts cross-checked against plain polars."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from dq_project.expectations import build_suite, default_rules, run_rules
from dq_project.expectations.catalog import Rule
from dq_project.expectations.suite import RULE_ID_META, columns_used

AS_OF = dt.date(2026, 1, 15)
BASE = {
    "source": "crm",
    "customer_type": "person",
    "name": "张三",
    "gender": "M",
    "birth_date": dt.date(1985, 3, 12),
    "id_number": "11010519850312001X",
    "company_name": None,
    "credit_code": None,
    "mobile": "+8613812345678",
    "phone": "+861012345678",
    "email": "zhang@qq.com",
    "created_at": dt.datetime(2023, 1, 5, 10, 22),
    "updated_at": dt.datetime(2023, 6, 1, 9, 0),
    "id_birth_date": dt.date(1985, 3, 12),
    "id_gender": "M",
    "id_region_known": True,
    "id_number_status": "ok",
    "credit_code_status": "missing",
    "birth_date_status": "ok",
    "mobile_status": "ok",
    "phone_status": "ok",
    "email_status": "ok",
    "mobile_reason": None,
    "email_reason": None,
    "id_number_reason": None,
}
COMPANY = {
    "customer_type": "company",
    "name": None,
    "gender": None,
    "birth_date": None,
    "id_number": None,
    "company_name": "深圳市某某科技有限公司",
    "credit_code": "91440300MA5FXXXX1K",
    "credit_code_status": "ok",
    "id_number_status": "missing",
    "birth_date_status": "missing",
    "id_birth_date": None,
    "id_gender": None,
    "id_region_known": None,
}
# Row number -> the defect planted there (every 5th row is a company).
DEFECTS = {
    1: {"mobile": "+86138123456", "mobile_status": "invalid", "mobile_reason": "bad_length"},
    2: {"mobile": "13812345678", "mobile_status": "invalid", "mobile_reason": "bad_prefix"},
    3: {"mobile": None, "mobile_status": "missing"},
    4: {"email": "bad@@qq.com", "email_status": "invalid", "email_reason": "multiple_at"},
    6: {"email": "no-at-sign", "email_status": "invalid", "email_reason": "no_at"},
    7: {"email": None, "email_status": "missing", "phone": "010-1234", "phone_status": "invalid"},
    8: {
        "id_number": "110105198503120011",
        "id_number_status": "invalid",
        "id_birth_date": None,
        "id_gender": None,
        "id_region_known": None,
        "id_number_reason": "checksum",
    },
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
    20: {"company_name": None, "credit_code": None, "credit_code_status": "missing"},
    21: {"source_record_id": None},
    22: {"source_record_id": "C0023"},  # duplicates row 23's key
    24: {"mobile": "+14155552671"},  # a valid foreign number
    25: {"company_name": "另一家公司"},  # same credit code as the other companies
    26: {
        "mobile": None,
        "mobile_status": "missing",
        "phone": None,
        "phone_status": "missing",
        "email": None,
        "email_status": "missing",
    },
    27: {"id_region_known": False},
    28: {"birth_date": dt.date(2023, 3, 1)},  # born after the record was created
    29: {"birth_date": dt.date(1901, 1, 1), "name": " 李四"},  # 125 years old; same ID, another name
}


def staged_frame() -> pl.DataFrame:
    """30 staged rows with the defects listed in DEFECTS."""
    rows = []
    for i in range(30):
        row = {**BASE, "source_record_id": f"C{i:04d}", **(COMPANY if i % 5 == 0 else {})}
        rows.append(row | DEFECTS.get(i, {}))
    schema = {k: pl.Date for k in ("birth_date", "id_birth_date")} | {
        k: pl.String for k, v in BASE.items() if v is None or isinstance(v, str)
    }
    frame = pl.DataFrame(rows, schema_overrides=schema)
    key = pl.concat_str([pl.col("source"), pl.lit(":"), pl.col("source_record_id")])
    return frame.with_columns(key.alias("record_key"))


def present(column: str) -> pl.Expr:
    return pl.col(f"{column}_status").is_not_null() & (pl.col(f"{column}_status") != "missing")


def invalid(column: str) -> tuple[pl.Expr, pl.Expr]:
    return present(column), pl.col(f"{column}_status") == "invalid"


ALL = pl.int_range(pl.len()) >= 0
PERSON, COMPANY_ROW = pl.col("customer_type") == "person", pl.col("customer_type") == "company"
NO_CONTACT = pl.col("mobile").is_null() & pl.col("phone").is_null() & pl.col("email").is_null()
AGE = (pl.lit(AS_OF) - pl.col("birth_date")).dt.total_days() / 365.2425
NAME_KEY = pl.col("name").str.strip_chars()
COMPANY_KEY = pl.col("company_name").str.strip_chars()

# rule id -> (rows the rule evaluates, rows that fail), written independently of GX.
EXPECTED: dict[str, tuple[pl.Expr, pl.Expr]] = {
    "source_record_id_present": (ALL, pl.col("source_record_id").is_null()),
    "record_key_unique": (
        pl.col("record_key").is_not_null(),
        pl.col("record_key").is_not_null() & pl.col("record_key").is_duplicated(),
    ),
    "customer_type_present": (ALL, pl.col("customer_type").is_null()),
    "person_name_present": (PERSON, PERSON & pl.col("name").is_null()),
    "company_name_present": (COMPANY_ROW, COMPANY_ROW & pl.col("company_name").is_null()),
    "mobile_present": (ALL, pl.col("mobile").is_null()),
    "person_required_fields": (PERSON, pl.col("name").is_null() | NO_CONTACT),
    "company_required_fields": (
        COMPANY_ROW,
        pl.col("company_name").is_null() | pl.col("credit_code").is_null(),
    ),
    "contact_channel_present": (ALL, NO_CONTACT),
    "customer_type_is_allowed": (
        pl.col("customer_type").is_not_null(),
        ~pl.col("customer_type").is_in(["person", "company"]),
    ),
    "gender_is_allowed": (pl.col("gender").is_not_null(), ~pl.col("gender").is_in(["M", "F"])),
    "mobile_is_valid_e164": invalid("mobile"),
    "phone_is_valid_e164": invalid("phone"),
    "email_is_valid": invalid("email"),
    "id_number_checksum_valid": invalid("id_number"),
    "id_number_region_known": (pl.col("id_region_known").is_not_null(), ~pl.col("id_region_known")),
    "credit_code_checksum_valid": invalid("credit_code"),
    "birth_date_is_valid": invalid("birth_date"),
    "birth_date_in_range": (
        pl.col("birth_date").is_not_null(),
        ~pl.col("birth_date").is_between(dt.date(1900, 1, 1), AS_OF),
    ),
    "updated_after_created": (
        pl.col("updated_at").is_not_null() & pl.col("created_at").is_not_null(),
        pl.col("updated_at") < pl.col("created_at"),
    ),
    "birth_before_created": (
        pl.col("birth_date").is_not_null() & pl.col("created_at").is_not_null(),
        pl.col("birth_date") >= pl.col("created_at").dt.date(),
    ),
    "age_plausible": (pl.col("birth_date").is_not_null(), (AGE < 0) | (AGE > 120)),
    "birth_date_matches_id": (
        pl.col("birth_date").is_not_null() & pl.col("id_birth_date").is_not_null(),
        pl.col("birth_date") != pl.col("id_birth_date"),
    ),
    "gender_matches_id": (
        pl.col("gender").is_not_null() & pl.col("id_gender").is_not_null(),
        pl.col("gender") != pl.col("id_gender"),
    ),
    "id_number_one_name": (
        PERSON & pl.col("id_number").is_not_null(),
        NAME_KEY.drop_nulls().n_unique().over("id_number") > 1,
    ),
    "credit_code_one_name": (
        COMPANY_ROW & pl.col("credit_code").is_not_null(),
        COMPANY_KEY.drop_nulls().n_unique().over("credit_code") > 1,
    ),
    "record_recently_updated": (ALL, pl.col("updated_at") < dt.datetime(2023, 1, 16)),
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
    assert all(
        e.column == rule.id and e.threshold == rule.threshold
        for e, rule in zip(suite.expectations, rules, strict=True)
    )
    assert {"customer_type", "name", "mobile_status", "id_region_known"} <= set(columns_used(rules))


def test_overrides_change_threshold_severity_and_enabled():
    rules = default_rules(
        {
            "email_is_valid": {"threshold": 0.2, "severity": "ERROR"},
            "phone_is_valid_e164": {"enabled": False},
            "gender_is_allowed": {"threshold": None},
        }
    )
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


def test_params_overrides_configure_rules(frame):
    rules = default_rules(
        {
            "gender_is_allowed": {"params": {"values": ["M", "F", "X"]}},
            "person_required_fields": {"params": {"required": ["name", "id_number"], "any_of": [["mobile"]]}},
            "record_recently_updated": {"params": {"max_days": 30}},
        },
        as_of=AS_OF,
    )
    by_id = {rule.id: rule for rule in rules}
    assert by_id["gender_is_allowed"].params["values"] == ["M", "F", "X"]
    assert by_id["gender_is_allowed"].params["column"] == "gender"
    with pytest.raises(ValueError, match="unknown params"):
        default_rules({"gender_is_allowed": {"params": {"allowed": ["M"]}}})
    results = run_rules(frame, rules).results
    failed = dict(zip(results["rule_id"], results["failed"], strict=True))
    assert failed["gender_is_allowed"] == 0
    persons = frame.filter(pl.col("customer_type") == "person")
    expected = persons.filter(
        pl.col("name").is_null() | pl.col("id_number").is_null() | pl.col("mobile").is_null()
    ).height
    assert failed["person_required_fields"] == expected
    assert failed["record_recently_updated"] == frame.height


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
    assert results.columns == [
        "rule_id",
        "dimension",
        "severity",
        "fields",
        "threshold",
        "evaluated",
        "failed",
        "failed_ratio",
        "passed",
        "description_en",
        "description_zh",
    ]
    expected = (results["failed"] / results["evaluated"]).fill_nan(0.0)
    assert (results["failed_ratio"] - expected).abs().max() < 1e-12
    assert results["passed"].to_list() == (results["failed_ratio"] <= results["threshold"]).to_list()
    ratio = results.filter(pl.col("rule_id") == "updated_after_created")["failed_ratio"][0]
    assert ratio == pytest.approx(1 / 30)
    pair = results.filter(pl.col("rule_id") == "birth_date_matches_id")
    assert pair["fields"][0] == "birth_date,id_birth_date"


def test_failures_are_masked(run, frame):
    failures = run.failures
    assert failures.columns == ["rule_id", "record_key", "field", "value_masked", "reason"]
    masked = dict(
        zip(
            failures["rule_id"] + "|" + failures["record_key"].fill_null(""),
            failures["value_masked"],
            strict=True,
        )
    )
    assert masked["mobile_is_valid_e164|crm:C0002"] == "138****5678"
    assert masked["email_is_valid|crm:C0004"] == "b***@qq.com"
    assert masked["id_number_checksum_valid|crm:C0008"] == "1101**********0011"
    assert masked["credit_code_checksum_valid|crm:C0010"] == "9144**********XX1A"
    raw = {
        v
        for column in ("mobile", "email", "id_number", "credit_code", "name")
        for v in frame[column]
        if v is not None
    }
    assert not raw & set(failures["value_masked"].drop_nulls())
    identifiers = failures.filter(pl.col("field").is_in(["mobile", "id_number", "credit_code"]))
    values = identifiers.join(
        frame.select("record_key", "mobile", "id_number", "credit_code"), on="record_key"
    )
    null_values = values.filter(
        pl.when(pl.col("field") == "mobile")
        .then(pl.col("mobile"))
        .when(pl.col("field") == "id_number")
        .then(pl.col("id_number"))
        .otherwise(pl.col("credit_code"))
        .is_null()
    )
    assert identifiers["value_masked"].null_count() == null_values.height
    for value in identifiers["value_masked"].drop_nulls():
        assert not re.search(r"\d{5,}", value)


def test_failures_carry_reasons(run):
    reasons = dict(
        zip(
            run.failures["rule_id"] + "|" + run.failures["record_key"].fill_null(""),
            run.failures["reason"],
            strict=True,
        )
    )
    assert reasons["mobile_is_valid_e164|crm:C0001"] == "bad_length"
    assert reasons["email_is_valid|crm:C0006"] == "no_at"
    assert reasons["id_number_checksum_valid|crm:C0008"] == "checksum"
    assert reasons["person_name_present|crm:C0018"] == "missing:name"
    assert reasons["contact_channel_present|crm:C0026"] == "missing:mobile|phone|email"
    assert reasons["company_required_fields|crm:C0020"] == "missing:company_name,credit_code"
    assert reasons["updated_after_created|crm:C0015"] is None


def test_gx_decides_pass_against_threshold(frame):
    strict = default_rules({"mobile_is_valid_e164": {"threshold": 0.0}}, as_of=AS_OF)
    results = run_rules(frame, [r for r in strict if r.id == "mobile_is_valid_e164"]).results
    assert results["failed"][0] == 2 and not results["passed"][0]
    loose = default_rules({"mobile_is_valid_e164": {"threshold": 0.5}}, as_of=AS_OF)
    assert run_rules(frame, [r for r in loose if r.id == "mobile_is_valid_e164"]).results["passed"][0]


def test_rule_without_applicable_rows_passes(frame):
    rule = next(r for r in default_rules(as_of=AS_OF) if r.id == "credit_code_one_name")
    results = run_rules(frame.filter(pl.col("customer_type") == "person"), [rule]).results
    assert (results["evaluated"][0], results["failed"][0], results["passed"][0]) == (0, 0, True)


def test_out_of_ns_range_dates_still_fail():
    frame = staged_frame().with_columns(
        pl.when(pl.col("source_record_id") == "C0001")
        .then(dt.date(1000, 1, 1))
        .otherwise(pl.col("birth_date"))
        .alias("birth_date")
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
