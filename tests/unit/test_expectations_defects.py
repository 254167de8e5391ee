"""A test per defect kind stewards find (issue 21), and country-aware checks, on staged rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from stage_helpers import DAY, stage

from dq_project.expectations import load_rules, run_rules
from dq_project.normalize import normalize_frame

RULES = load_rules()
FAKE_1000 = Path("/work/shared/data/fake_1000/fake_1000.csv")


def failing(staged: pl.DataFrame, rule_id: str, rules=RULES) -> dict[str, str | None]:
    """source_record_id -> reason of the rows failing `rule_id`."""
    failures = run_rules(staged, rules, DAY).failures.filter(pl.col("rule_id") == rule_id)
    ids = failures["record_key"].str.split(":").list.last()
    return dict(zip(ids, failures["reason"], strict=True))


def test_placeholders_in_text_fields_are_found_and_configurable_per_field() -> None:
    staged = stage(
        [{"owner": "待分配"}, {"owner": "不详"}, {"owner": "王建国"}, {"name": "未知"}, {"owner": "公共"}]
    )
    assert set(failing(staged, "owner_is_placeholder_free")) == {"R000", "R001"}
    assert failing(staged, "name_is_placeholder_free") == {"R003": "placeholder:未知"}
    mine = load_rules({"owner_is_placeholder_free": {"params": {"placeholders": ["待分配", "公共"]}}})
    assert set(failing(staged, "owner_is_placeholder_free", mine)) == {"R000", "R001", "R004"}


def test_dummy_and_pattern_mobiles_are_found_real_ones_are_not() -> None:
    dummies = ["13888888888", "18888888888", "13800138000", "13812345678", "13800000000", "15999999999"]
    real = ["13912345670", "15057123456", "18621345678"]
    staged = stage([{"mobile": m} for m in dummies + real])
    assert set(failing(staged, "mobile_is_not_dummy")) == {f"R{i:03d}" for i in range(len(dummies))}


def test_names_with_digits_phones_emails_or_control_characters_are_found() -> None:
    staged = stage(
        [
            {"name": "张\x00三"},
            {"name": "张凤静5"},
            {"name": "张三13812345678"},
            {"name": "张三 zs@qq.com"},
            {"name": "欧阳娜娜"},
            {"name": "O'Brien Mary-Jane"},
        ]
    )
    assert failing(staged, "name_is_clean") == {
        "R000": "control_character",
        "R001": "digit_in_name",
        "R002": "phone_in_name",
        "R003": "email_in_name",
    }


def test_a_city_outside_its_province_and_a_district_outside_its_city_are_found() -> None:
    staged = stage(
        [
            {"province": "福建省", "city": "苏州市", "district": "姑苏区", "address": "人民路1号"},
            {"province": "江苏省", "city": "苏州市", "district": "姑苏区", "address": "人民路1号"},
            {"province": "广东省", "city": "深圳市", "district": "海淀区", "address": "深南大道1号"},
            {"province": "广东", "city": "深圳", "district": "南山区", "address": "科技路1号"},
            {"province": "Guangdong", "city": "Shenzhen", "district": "", "address": "Keji Rd 1"},
        ]
    )
    assert failing(staged, "city_in_province") == {"R000": "city_not_in_province"}
    assert failing(staged, "district_in_city") == {"R002": "district_not_in_city"}


def test_timestamps_after_the_snapshot_date_are_found() -> None:
    staged = stage(
        [
            {"created_at": "2027-03-01 08:00:00", "updated_at": "2027-03-02 08:00:00"},
            {"created_at": "2026-11-20 23:59:00", "updated_at": "2026-11-20 23:59:00"},
            {"updated_at": "2026-11-21 00:00:01"},
        ]
    )
    assert failing(staged, "created_at_not_in_future") == {"R000": "after_snapshot_date"}
    assert set(failing(staged, "updated_at_not_in_future")) == {"R000", "R002"}


def test_a_missing_province_is_reported_missing_or_derived_with_its_provenance() -> None:
    staged = stage(
        [
            {"province": "", "city": "", "district": "", "address": "人民路1号"},
            {"province": "", "city": "苏州市", "district": "", "address": "人民路1号"},
            {"province": "", "city": "", "district": "", "address": "广东省深圳市南山区科技路1号"},
        ]
    )
    assert set(failing(staged, "province_present")) == {"R000"}
    assert set(failing(staged, "city_present")) == {"R000"}
    rows = staged.select("province", "province_status", "province_reason").rows()
    assert rows[0] == (None, "missing", "blank")
    assert rows[1] == ("江苏省", "normalized", "derived_from:city")
    assert rows[2] == ("广东省", "normalized", "derived_from:address")


def test_landlines_are_not_rejected_by_the_phone_rule() -> None:
    staged = stage(
        [{"phone": p} for p in ("010-62345678", "(021)62345678", "0755 8888 6666", "0571-88886666转123")]
    )
    assert failing(staged, "phone_is_valid_e164") == {}
    assert staged["phone_status"].to_list() == ["normalized"] * 4


def test_one_name_per_id_tolerates_pinyin_traditional_and_short_company_names() -> None:
    same_id = {"id_number": "11010519850312001X"}
    staged = stage(
        [
            {**same_id, "name": "张伟"},
            {**same_id, "name": "張偉"},
            {**same_id, "name": "Zhang Wei"},
            {**same_id, "name": "Wei Zhang"},
            {"id_number": "110105198503120043", "name": "李娜"},
            {"id_number": "110105198503120043", "name": "王芳"},
            *(
                {
                    "customer_type": "company",
                    "name": "",
                    "credit_code": "91440300MA5FXXXX1K",
                    "company_name": n,
                }
                for n in ("华为技术有限公司", "华为", "深圳市华为技术有限公司")
            ),
        ]
    )
    assert set(failing(staged, "id_number_one_name")) == {"R004", "R005"}
    assert failing(staged, "credit_code_one_name") == {}


def test_foreign_records_are_not_judged_by_chinese_rules() -> None:
    raw = pl.read_csv(FAKE_1000, infer_schema=False)
    canonical = raw.select(
        source=pl.lit("fake_1000"),
        source_record_id="unique_id",
        customer_type=pl.lit("person"),
        name=pl.concat_str("first_name", "surname", separator=" ", ignore_nulls=True),
        birth_date="dob",
        city="city",
        email="email",
    )
    staged = normalize_frame(canonical, default_region="GB", today=DAY, default_country="GB")
    staged = staged.with_columns(record_key=pl.format("{}:{}", "source", "source_record_id"))
    assert (staged["country"] == "GB").all()
    assert staged.filter(pl.col("city").is_not_null())["city_status"].unique().to_list() == ["ok"]
    results = run_rules(staged, RULES, DAY).results
    chinese = [
        "mobile_present", "province_present", "city_present", "mobile_is_not_dummy",
        "id_number_checksum_valid", "credit_code_checksum_valid", "city_in_province", "district_in_city",
        "id_number_one_name",
    ]  # fmt: skip
    judged = results.filter(pl.col("rule_id").is_in(chinese))
    assert judged["evaluated"].sum() == 0 and judged["failed"].sum() == 0 and judged["passed"].all()
    # Rules that hold everywhere still run on them.
    assert results.filter(pl.col("rule_id") == "person_name_present")["evaluated"].item() == raw.height


def test_a_record_naming_its_country_overrides_the_source_default() -> None:
    staged = stage(
        [
            {"country": "中国"},
            {"country": "United Kingdom", "mobile": "07700 900123"},
            {"country": "Atlantis"},
        ]
    )
    assert staged.select("country", "country_status", "country_reason").rows() == [
        ("CN", "normalized", None),
        ("GB", "normalized", None),
        ("Atlantis", "invalid", "unknown_country"),
    ]
    assert set(failing(staged, "mobile_present")) == set()
    assert (
        run_rules(staged, RULES, DAY)
        .results.filter(pl.col("rule_id") == "mobile_is_not_dummy")["evaluated"]
        .item()
        == 1
    )


@pytest.mark.parametrize("country", ["CN"])
def test_the_source_country_fills_records_without_one(country: str) -> None:
    staged = stage([{}], country=country)
    assert staged.select("country", "country_status", "country_reason").row(0) == (
        country,
        "normalized",
        "source_default",
    )


def test_a_landline_area_code_from_another_city_is_found() -> None:
    staged = stage(
        [
            {"phone": "0755-88886666", "province": "广东省", "city": "深圳市", "district": "南山区"},
            {"phone": "010-62345678", "province": "广东省", "city": "深圳市", "district": "南山区"},
            {"phone": "028-88886666", "province": "四川省", "city": "成都市", "district": "武侯区"},
            {"phone": "+44 20 7946 0000", "province": "广东省", "city": "深圳市", "district": "南山区"},
        ]
    )
    assert failing(staged, "phone_area_code_matches_city") == {"R001": "area_code_not_of_city"}
