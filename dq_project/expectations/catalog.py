"""The rule catalog: every data-quality rule as typed data, one Great Expectations expectation each.

A rule names its GX expectation class and keyword arguments; `suite.py` turns the list into a GX
suite. Validity rules on identifiers read the `<field>_status` the normalizer computed (checksums are
verified once, in dq_project/normalize), so GX checks the status instead of re-implementing GB 11643.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Dimension = Literal["completeness", "validity", "consistency", "uniqueness", "timeliness"]
Severity = Literal["ERROR", "WARN"]

# Mainland mobiles must be +86 1[3-9] and 9 more digits; other countries: generic E.164.
MOBILE_E164 = r"^\+(?:861[3-9]\d{9}|(?!86)[1-9]\d{6,14})$"
PHONE_E164 = r"^\+[1-9]\d{6,14}$"
EMAIL = r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
EARLIEST_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Where:
    """One term of a row condition: ``column == value`` or ``column != value`` (terms are ANDed)."""

    column: str
    op: Literal["==", "!="]
    value: str

    def __str__(self) -> str:
        return f'{self.column} {self.op} "{self.value}"'


@dataclass(frozen=True)
class Rule:
    """One rule: what it checks (a GX expectation), how bad a failure is, and when it passes.

    ``threshold`` is the largest failing ratio (failed / evaluated) at which the rule still passes.
    ``row_condition`` restricts the rows the rule evaluates (e.g. persons only).
    """

    id: str
    dimension: Dimension
    fields: tuple[str, ...]
    severity: Severity
    threshold: float
    description_en: str
    description_zh: str
    expectation: str
    kwargs: Mapping[str, Any] = field(default_factory=dict, hash=False)
    row_condition: tuple[Where, ...] = ()


PERSONS = (Where("customer_type", "==", "person"),)
COMPANIES = (Where("customer_type", "==", "company"),)


def _present(column: str) -> tuple[Where, ...]:
    return (Where(f"{column}_status", "!=", "missing"),)


def _status_not_invalid(column: str) -> dict[str, Any]:
    return {"column": f"{column}_status", "value_set": ["invalid"]}


def _pair_equal(column_a: str, column_b: str) -> dict[str, Any]:
    return {"column_A": column_a, "column_B": column_b, "ignore_row_if": "either_value_is_missing"}


def _catalog(as_of: dt.date) -> list[Rule]:
    R = Rule  # noqa: N806 (keeps the table below readable)
    # R(id, dimension, fields, severity, threshold, description_en, description_zh,
    #   expectation, kwargs, row_condition)
    return [
        R("source_record_id_present", "completeness", ("source_record_id",), "ERROR", 0.0,
          "Every record carries its source key.", "每条记录都有来源系统客户编号。",
          "ExpectColumnValuesToNotBeNull", {"column": "source_record_id"}),
        R("record_key_unique", "uniqueness", ("record_key",), "ERROR", 0.0,
          "A source key appears once per snapshot.", "同一快照中来源客户编号不重复。",
          "ExpectColumnValuesToBeUnique", {"column": "record_key"}),
        R("customer_type_present", "completeness", ("customer_type",), "WARN", 0.05,
          "The customer type (person/company) is filled.", "客户类型（个人/企业）已填写。",
          "ExpectColumnValuesToNotBeNull", {"column": "customer_type"}),
        R("person_name_present", "completeness", ("name",), "WARN", 0.1,
          "A person has a name.", "个人客户填写了姓名。",
          "ExpectColumnValuesToNotBeNull", {"column": "name"}, PERSONS),
        R("company_name_present", "completeness", ("company_name",), "WARN", 0.05,
          "A company has a company name.", "企业客户填写了单位名称。",
          "ExpectColumnValuesToNotBeNull", {"column": "company_name"}, COMPANIES),
        R("mobile_present", "completeness", ("mobile",), "WARN", 0.2,
          "A mobile number is filled.", "已填写手机号码。",
          "ExpectColumnValuesToNotBeNull", {"column": "mobile"}),
        R("customer_type_is_allowed", "validity", ("customer_type",), "WARN", 0.05,
          "The customer type is person or company.", "客户类型为个人或企业。",
          "ExpectColumnValuesToBeInSet", {"column": "customer_type", "value_set": ["person", "company"]}),
        R("gender_is_allowed", "validity", ("gender",), "WARN", 0.05,
          "Gender, when filled, is M or F.", "性别（如填写）为男或女。",
          "ExpectColumnValuesToBeInSet", {"column": "gender", "value_set": ["M", "F"]}),
        R("mobile_is_valid_e164", "validity", ("mobile",), "WARN", 0.05,
          "A filled mobile is valid E.164 (mainland: +86 and 11 digits starting 13-19).",
          "已填写的手机号码为有效的 E.164 格式（大陆号码：+86 加以 13-19 开头的 11 位数字）。",
          "ExpectColumnValuesToMatchRegex", {"column": "mobile", "regex": MOBILE_E164}),
        R("phone_is_valid_e164", "validity", ("phone",), "WARN", 0.1,
          "A filled landline normalizes to E.164.", "已填写的固定电话可规范为 E.164 格式。",
          "ExpectColumnValuesToMatchRegex", {"column": "phone", "regex": PHONE_E164}),
        R("email_is_valid", "validity", ("email",), "WARN", 0.05,
          "A filled email has valid syntax (one @, a dotted domain).", "已填写的电子邮箱格式正确。",
          "ExpectColumnValuesToMatchRegex", {"column": "email", "regex": EMAIL}),
        R("id_number_checksum_valid", "validity", ("id_number",), "WARN", 0.05,
          "A filled resident ID passes the GB 11643 check digit (computed by the normalizer; "
          "the rule checks id_number_status is not 'invalid').",
          "已填写的身份证号码通过 GB 11643 校验位"
          "（由标准化步骤计算，规则检查 id_number_status 不为 invalid）。",
          "ExpectColumnValuesToNotBeInSet", _status_not_invalid("id_number"), _present("id_number")),
        R("credit_code_checksum_valid", "validity", ("credit_code",), "WARN", 0.05,
          "A filled credit code passes the GB 32100 check character (computed by the normalizer; "
          "the rule checks credit_code_status is not 'invalid').",
          "已填写的统一社会信用代码通过 GB 32100 校验码"
          "（由标准化步骤计算，规则检查 credit_code_status 不为 invalid）。",
          "ExpectColumnValuesToNotBeInSet", _status_not_invalid("credit_code"), _present("credit_code")),
        R("birth_date_is_valid", "validity", ("birth_date",), "WARN", 0.05,
          "A filled birth date is a real date (the normalizer marks impossible dates 'invalid').",
          "已填写的出生日期是真实存在的日期（不可能的日期由标准化步骤标记为 invalid）。",
          "ExpectColumnValuesToNotBeInSet", _status_not_invalid("birth_date"), _present("birth_date")),
        R("birth_date_in_range", "validity", ("birth_date",), "WARN", 0.05,
          f"A birth date lies between {EARLIEST_BIRTH} and the snapshot date.",
          f"出生日期在 {EARLIEST_BIRTH} 与快照日期之间。",
          "ExpectColumnValuesToBeBetween",
          {"column": "birth_date", "min_value": EARLIEST_BIRTH, "max_value": as_of}),
        R("updated_after_created", "consistency", ("updated_at", "created_at"), "WARN", 0.05,
          "The update time is not earlier than the creation time.", "更新时间不早于创建时间。",
          "ExpectColumnPairValuesAToBeGreaterThanB",
          {"column_A": "updated_at", "column_B": "created_at", "or_equal": True,
           "ignore_row_if": "either_value_is_missing"}),
        R("birth_date_matches_id", "consistency", ("birth_date", "id_birth_date"), "WARN", 0.05,
          "The birth date equals the one encoded in the resident ID.",
          "出生日期与身份证号码中的出生日期一致。",
          "ExpectColumnPairValuesToBeEqual", _pair_equal("birth_date", "id_birth_date")),
        R("gender_matches_id", "consistency", ("gender", "id_gender"), "WARN", 0.05,
          "The gender equals the one encoded in the resident ID.", "性别与身份证号码中的性别一致。",
          "ExpectColumnPairValuesToBeEqual", _pair_equal("gender", "id_gender")),
    ]


def default_rules(overrides: dict | None = None, *, as_of: dt.date | None = None) -> list[Rule]:
    """The rule catalog, with per-rule overrides from the config applied.

    ``overrides`` maps a rule id to any of these keys (all optional)::

        {"email_is_valid": {"threshold": 0.1, "severity": "ERROR", "enabled": True}}

    ``threshold`` is the max failing ratio in [0, 1], ``severity`` 'ERROR' (blocks golden records)
    or 'WARN', and ``enabled: False`` drops the rule. Unknown rule ids or keys raise ValueError.
    ``as_of`` is the upper bound of plausible birth dates (default: today); pass the snapshot date.
    """
    rules = _catalog(as_of or dt.date.today())
    overrides = overrides or {}
    unknown = set(overrides) - {rule.id for rule in rules}
    if unknown:
        raise ValueError(f"overrides name unknown rules: {sorted(unknown)}")
    result = []
    for rule in rules:
        change = dict(overrides.get(rule.id, {}))
        bad_keys = set(change) - {"threshold", "severity", "enabled"}
        if bad_keys:
            raise ValueError(f"rule {rule.id}: unknown override keys {sorted(bad_keys)}")
        if not change.pop("enabled", True):
            continue
        change = {key: value for key, value in change.items() if value is not None}
        if change.get("severity", rule.severity) not in ("ERROR", "WARN"):
            raise ValueError(f"rule {rule.id}: severity must be ERROR or WARN, got {change['severity']!r}")
        if "threshold" in change:
            change["threshold"] = float(change["threshold"])
            if not 0.0 <= change["threshold"] <= 1.0:
                raise ValueError(f"rule {rule.id}: threshold must be in [0, 1], got {change['threshold']}")
        result.append(dataclasses.replace(rule, **change))
    return result
