"""The rule catalog: every data-quality rule as typed data.

A rule names a check kind (checks.CHECKS) and its params; checks.py turns it into a per-row
outcome column and suite.py into one Great Expectations expectation (gx_rule.py) that decides
pass/fail against the threshold. Validity rules on identifiers, phones, emails and dates read the
`<field>_status` the normalizer computed (checksums and phone metadata are applied once, in
dq_project/normalize), so the suite checks the status instead of re-implementing GB 11643.

Configurable params (override with ``{"<rule_id>": {"params": {...}}}``):
- person_required_fields / company_required_fields: ``required`` (fields that must be filled) and
  ``any_of`` (groups of fields of which one must be filled), per customer type;
- gender_is_allowed / customer_type_is_allowed: ``values`` (the allowed codes);
- age_plausible: ``min_years``, ``max_years``; record_recently_updated: ``max_days`` (default 3
  years, 1095 days) before the snapshot date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Dimension = Literal["completeness", "validity", "consistency", "uniqueness", "timeliness"]
Severity = Literal["ERROR", "WARN"]

EARLIEST_BIRTH = dt.date(1900, 1, 1)
CONTACT_CHANNELS = ("mobile", "phone", "email")
OVERRIDE_KEYS = frozenset({"threshold", "severity", "enabled", "params"})


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
    """One rule: what it checks (a check kind and params), how bad a failure is, when it passes.

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
    check: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    row_condition: tuple[Where, ...] = ()


PERSONS = (Where("customer_type", "==", "person"),)
COMPANIES = (Where("customer_type", "==", "company"),)


def _status(field_name: str) -> dict[str, Any]:
    return {"field": field_name, "statuses": ["invalid"]}


def _catalog(as_of: dt.date) -> list[Rule]:
    R = Rule  # noqa: N806 (keeps the table below readable)
    # R(id, dimension, fields, severity, threshold, description_en, description_zh, check, params,
    #   row_condition)
    return [
        R(
            "source_record_id_present",
            "completeness",
            ("source_record_id",),
            "ERROR",
            0.0,
            "Every record carries its source key.",
            "每条记录都有来源系统客户编号。",
            "not_null",
            {"column": "source_record_id"},
        ),
        R(
            "record_key_unique",
            "uniqueness",
            ("record_key",),
            "ERROR",
            0.0,
            "A source key appears once per snapshot.",
            "同一快照中来源客户编号不重复。",
            "unique",
            {"column": "record_key"},
        ),
        R(
            "customer_type_present",
            "completeness",
            ("customer_type",),
            "WARN",
            0.05,
            "The customer type (person/company) is filled.",
            "客户类型（个人/企业）已填写。",
            "not_null",
            {"column": "customer_type"},
        ),
        R(
            "person_name_present",
            "completeness",
            ("name",),
            "WARN",
            0.1,
            "A person has a name.",
            "个人客户填写了姓名。",
            "not_null",
            {"column": "name"},
            PERSONS,
        ),
        R(
            "company_name_present",
            "completeness",
            ("company_name",),
            "WARN",
            0.05,
            "A company has a company name.",
            "企业客户填写了单位名称。",
            "not_null",
            {"column": "company_name"},
            COMPANIES,
        ),
        R(
            "mobile_present",
            "completeness",
            ("mobile",),
            "WARN",
            0.2,
            "A mobile number is filled.",
            "已填写手机号码。",
            "not_null",
            {"column": "mobile"},
        ),
        R(
            "person_required_fields",
            "completeness",
            ("name", *CONTACT_CHANNELS),
            "WARN",
            0.1,
            "A person has the required fields: a name and at least one of mobile, landline, email.",
            "个人客户必填项齐全：姓名，以及手机、固话、邮箱至少一项。",
            "required",
            {"required": ["name"], "any_of": [list(CONTACT_CHANNELS)]},
            PERSONS,
        ),
        R(
            "company_required_fields",
            "completeness",
            ("company_name", "credit_code"),
            "WARN",
            0.1,
            "A company has the required fields: company name and credit code.",
            "企业客户必填项齐全：单位名称和统一社会信用代码。",
            "required",
            {"required": ["company_name", "credit_code"], "any_of": []},
            COMPANIES,
        ),
        R(
            "contact_channel_present",
            "completeness",
            CONTACT_CHANNELS,
            "WARN",
            0.05,
            "At least one contact channel (mobile, landline or email) is filled.",
            "至少填写一种联系方式（手机、固话或邮箱）。",
            "required",
            {"required": [], "any_of": [list(CONTACT_CHANNELS)]},
        ),
        R(
            "customer_type_is_allowed",
            "validity",
            ("customer_type",),
            "WARN",
            0.05,
            "The customer type is one of the allowed values (person, company).",
            "客户类型为允许值（个人、企业）。",
            "in_set",
            {"column": "customer_type", "values": ["person", "company"]},
        ),
        R(
            "gender_is_allowed",
            "validity",
            ("gender",),
            "WARN",
            0.05,
            "Gender, when filled, is one of the allowed values (M, F).",
            "性别（如填写）为允许值（男、女）。",
            "in_set",
            {"column": "gender", "values": ["M", "F"]},
        ),
        R(
            "mobile_is_valid_e164",
            "validity",
            ("mobile",),
            "WARN",
            0.05,
            "A filled mobile is a valid mobile number, stored as E.164 (mobile_status is not 'invalid').",
            "已填写的手机号码为有效手机号，以 E.164 格式保存（mobile_status 不为 invalid）。",
            "status_not",
            _status("mobile"),
        ),
        R(
            "phone_is_valid_e164",
            "validity",
            ("phone",),
            "WARN",
            0.1,
            "A filled landline is a valid fixed-line number, stored as E.164.",
            "已填写的固定电话为有效号码，以 E.164 格式保存。",
            "status_not",
            _status("phone"),
        ),
        R(
            "email_is_valid",
            "validity",
            ("email",),
            "WARN",
            0.05,
            "A filled email has valid syntax and no known domain typo (email_status is not 'invalid').",
            "已填写的电子邮箱格式正确且域名无常见拼写错误。",
            "status_not",
            _status("email"),
        ),
        R(
            "id_number_checksum_valid",
            "validity",
            ("id_number",),
            "WARN",
            0.05,
            "A filled resident ID passes the GB 11643 check digit (computed by the normalizer; "
            "the rule checks id_number_status is not 'invalid').",
            "已填写的身份证号码通过 GB 11643 校验位"
            "（由标准化步骤计算，规则检查 id_number_status 不为 invalid）。",
            "status_not",
            _status("id_number"),
        ),
        R(
            "id_number_region_known",
            "validity",
            ("id_number",),
            "WARN",
            0.05,
            "A valid resident ID starts with a region code listed in GB/T 2260 (current or retired).",
            "有效身份证号码的地区码见于 GB/T 2260（含已撤销代码）。",
            "is_true",
            {"column": "id_region_known"},
        ),
        R(
            "credit_code_checksum_valid",
            "validity",
            ("credit_code",),
            "WARN",
            0.05,
            "A filled credit code passes the GB 32100 check character (computed by the normalizer; "
            "the rule checks credit_code_status is not 'invalid').",
            "已填写的统一社会信用代码通过 GB 32100 校验码"
            "（由标准化步骤计算，规则检查 credit_code_status 不为 invalid）。",
            "status_not",
            _status("credit_code"),
        ),
        R(
            "birth_date_is_valid",
            "validity",
            ("birth_date",),
            "WARN",
            0.05,
            "A filled birth date is a real date (the normalizer marks impossible dates 'invalid').",
            "已填写的出生日期是真实存在的日期（不可能的日期由标准化步骤标记为 invalid）。",
            "status_not",
            _status("birth_date"),
        ),
        R(
            "birth_date_in_range",
            "validity",
            ("birth_date",),
            "WARN",
            0.05,
            f"A birth date lies between {EARLIEST_BIRTH} and the snapshot date.",
            f"出生日期在 {EARLIEST_BIRTH} 与快照日期之间。",
            "between",
            {"column": "birth_date", "min": EARLIEST_BIRTH, "max": as_of},
        ),
        R(
            "updated_after_created",
            "consistency",
            ("updated_at", "created_at"),
            "WARN",
            0.05,
            "The update time is not earlier than the creation time.",
            "更新时间不早于创建时间。",
            "a_not_before_b",
            {"a": "updated_at", "b": "created_at"},
        ),
        R(
            "birth_before_created",
            "consistency",
            ("birth_date", "created_at"),
            "WARN",
            0.05,
            "The birth date is before the day the record was created.",
            "出生日期早于记录创建日期。",
            "a_before_b",
            {"a": "birth_date", "b": "created_at"},
        ),
        R(
            "age_plausible",
            "consistency",
            ("birth_date",),
            "WARN",
            0.05,
            "The age at the snapshot date is between 0 and 120 years.",
            "快照日期时的年龄在 0 至 120 岁之间。",
            "age_between",
            {"column": "birth_date", "min_years": 0, "max_years": 120, "as_of": as_of},
        ),
        R(
            "birth_date_matches_id",
            "consistency",
            ("birth_date", "id_birth_date"),
            "WARN",
            0.05,
            "The birth date equals the one encoded in the resident ID.",
            "出生日期与身份证号码中的出生日期一致。",
            "equal",
            {"a": "birth_date", "b": "id_birth_date"},
        ),
        R(
            "gender_matches_id",
            "consistency",
            ("gender", "id_gender"),
            "WARN",
            0.05,
            "The gender equals the one encoded in the resident ID.",
            "性别与身份证号码中的性别一致。",
            "equal",
            {"a": "gender", "b": "id_gender"},
        ),
        R(
            "id_number_one_name",
            "uniqueness",
            ("id_number", "name"),
            "WARN",
            0.05,
            "A resident ID is not shared by records with different names in the snapshot.",
            "同一快照中同一身份证号码不对应不同姓名。",
            "one_name_per_key",
            {"key": "id_number", "name": "name_key"},
            PERSONS,
        ),
        R(
            "credit_code_one_name",
            "uniqueness",
            ("credit_code", "company_name"),
            "WARN",
            0.05,
            "A credit code is not shared by records with different company names in the snapshot.",
            "同一快照中同一统一社会信用代码不对应不同单位名称。",
            "one_name_per_key",
            {"key": "credit_code", "name": "company_key"},
            COMPANIES,
        ),
        R(
            "record_recently_updated",
            "timeliness",
            ("updated_at",),
            "WARN",
            0.2,
            "The record was updated (or created) within the configured period before the snapshot.",
            "记录在快照日期前的规定期限内有更新（或创建）。",
            "updated_within",
            {"column": "updated_at", "fallback": "created_at", "max_days": 1095, "as_of": as_of},
        ),
    ]


def default_rules(overrides: dict | None = None, *, as_of: dt.date | None = None) -> list[Rule]:
    """The rule catalog, with per-rule overrides from the config applied.

    ``overrides`` maps a rule id to any of these keys (all optional)::

        {"email_is_valid": {"threshold": 0.1, "severity": "ERROR", "enabled": True},
         "gender_is_allowed": {"params": {"values": ["M", "F", "U"]}}}

    ``threshold`` is the max failing ratio in [0, 1], ``severity`` 'ERROR' (blocks golden records)
    or 'WARN', ``enabled: False`` drops the rule, and ``params`` replaces some of the rule's
    parameters (see the module docstring). Unknown rule ids, keys or params raise ValueError.
    ``as_of`` is the snapshot date (default: today): bound of plausible birth dates, the day ages and
    record staleness are measured at.
    """
    rules = _catalog(as_of or dt.date.today())
    overrides = overrides or {}
    unknown = set(overrides) - {rule.id for rule in rules}
    if unknown:
        raise ValueError(f"overrides name unknown rules: {sorted(unknown)}")
    result = []
    for rule in rules:
        change = dict(overrides.get(rule.id, {}))
        bad_keys = set(change) - OVERRIDE_KEYS
        if bad_keys:
            raise ValueError(f"rule {rule.id}: unknown override keys {sorted(bad_keys)}")
        if not change.pop("enabled", True):
            continue
        params = change.pop("params", None) or {}
        if unknown_params := set(params) - set(rule.params):
            raise ValueError(f"rule {rule.id}: unknown params {sorted(unknown_params)}")
        if params:
            change["params"] = {**rule.params, **params}
        change = {key: value for key, value in change.items() if value is not None}
        if change.get("severity", rule.severity) not in ("ERROR", "WARN"):
            raise ValueError(f"rule {rule.id}: severity must be ERROR or WARN, got {change['severity']!r}")
        if "threshold" in change:
            change["threshold"] = float(change["threshold"])
            if not 0.0 <= change["threshold"] <= 1.0:
                raise ValueError(f"rule {rule.id}: threshold must be in [0, 1], got {change['threshold']}")
        result.append(dataclasses.replace(rule, **change))
    return result
