"""The mapping language (dq_project/sources/mapping_spec.py, mapping.py, headers.py): each construct on raw
records as the readers store them, and the validation errors that name the source and the key."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from dq_project.settings import SettingsError, SourceSettings, load_settings
from dq_project.sources.mapping import record_columns, to_canonical


def _rows(*records: dict) -> pl.DataFrame:
    """Raw rows: JSON text records (nested values as JSON text, as the JSON Lines reader stores them)."""
    texts = [
        json.dumps({k: v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                    for k, v in r.items()}, ensure_ascii=False)
        for r in records
    ]  # fmt: skip
    return pl.DataFrame({"load_id": "L", "row_number": list(range(1, len(texts) + 1)), "record": texts})


def _map(records: list[dict], fmt: str = "csv", attributes: dict | None = None, **mapping) -> list[dict]:
    source = SourceSettings(
        name="s",
        primary_key="id",
        format=fmt,
        mapping={"source_record_id": "id", **mapping},
        attributes=attributes or {},
    )
    return to_canonical(_rows(*records), source).to_dicts()


def test_header_matching_ignores_surrounding_spaces_bom_and_case_exact_wins() -> None:
    records = [{"id": "1", " Given_Name": " ann", "\ufeffSurname": "lee", "city": "x", " city": "y"}]
    (row,) = _map(records, name=["given_name", "surname"], city="city")
    assert row["name"] == "ann lee"
    assert row["city"] == "x"  # the exact match beats the loose one


def test_columns_join_skipping_empty_parts_with_a_separator() -> None:
    records = [{"id": "1", "a": "x", "b": "  ", "c": "z"}, {"id": "2", "a": None, "b": "", "c": None}]
    rows = _map(records, name=["a", "b", "c"], address={"columns": ["a", "c"], "separator": "/"})
    assert [r["name"] for r in rows] == ["x z", None]
    assert rows[0]["address"] == "x/z"


def test_code_tables_keep_null_or_replace_other_values() -> None:
    records = [{"id": str(i), "g": g} for i, g in enumerate([" 1", "2", "0", "", None])]
    keep = _map(records, gender={"column": "g", "codes": {"1": "M", "2": "F"}})
    assert [r["gender"] for r in keep] == ["M", "F", "0", None, None]
    null = _map(records, gender={"column": "g", "codes": {"1": "M", "2": "F"}, "codes_other": "null"})
    assert [r["gender"] for r in null] == ["M", "F", None, None, None]
    other = _map(records, gender={"column": "g", "codes": {"1": "M"}, "codes_other": "U"})
    assert [r["gender"] for r in other] == ["M", "U", "U", None, None]


def test_pattern_extracts_a_group() -> None:
    records = [{"id": "1", "o": "黄鹏(2406)"}, {"id": "2", "o": "李娟（2311）"}, {"id": "3", "o": "王五"}]
    rows = _map(
        records,
        owner={"column": "o", "pattern": r"^(.*?)\s*[(（]"},
        attributes={"employee_no": {"column": "o", "pattern": r"[(（](\d+)[)）]"}},
    )
    assert [r["owner"] for r in rows] == ["黄鹏", "李娟", None]
    assert [r["attributes"] for r in rows] == ['{"employee_no":"2406"}', '{"employee_no":"2311"}', None]
    (whole,) = _map(records[:1], owner={"column": "o", "pattern": r"\d+", "group": 0})
    assert whole["owner"] == "2406"


def test_conditional_fields_choose_a_column_by_another_columns_value() -> None:
    records = [
        {"id": "1", "kind": "个人", "名称": "张伟", "联系人": None, "type": "身份证", "no": "110"},
        {
            "id": "2",
            "kind": " 单位 ",
            "名称": "星辰科技",
            "联系人": "刘洋",
            "type": "统一社会信用代码",
            "no": "911",
        },
        {"id": "3", "kind": None, "名称": "某人", "联系人": None, "type": "护照", "no": "TZ1"},
    ]
    rows = _map(
        records,
        name={"when": {"column": "kind", "equals": "单位"}, "then": "联系人", "else": "名称"},
        company_name={"when": {"column": "kind", "in": ["单位", "企业"]}, "then": "名称"},
        id_number={"when": {"column": "type", "equals": "身份证"}, "then": "no"},
        credit_code={"when": {"column": "type", "equals": "统一社会信用代码"}, "then": {"column": "no"}},
        customer_type={"column": "kind", "codes": {"个人": "person", "单位": "company"}},
        owner={"when": {"column": "联系人", "is_null": True}, "then": "名称", "else": "联系人"},
    )
    assert [r["name"] for r in rows] == ["张伟", "刘洋", "某人"]
    assert [r["company_name"] for r in rows] == [None, "星辰科技", None]
    assert [r["id_number"] for r in rows] == ["110", None, None]
    assert [r["credit_code"] for r in rows] == [None, "911", None]
    assert [r["customer_type"] for r in rows] == ["person", "company", None]
    assert [r["owner"] for r in rows] == ["张伟", "刘洋", "某人"]


def test_json_paths_into_objects_and_arrays() -> None:
    records = [
        {"id": "1", "region": {"province": "广东省", "city": "深圳市"}, "tags": ["a", "b"],
         "assoc": {"results": [{"id": 7}, {"id": 8}]}},
        {"id": "2", "region": {"city": "杭州市"}, "tags": [], "assoc": None},
        {"id": "3", "late": "only here"},
    ]  # fmt: skip
    rows = _map(
        records,
        fmt="jsonl",
        province="region.province",
        city={"column": "region", "path": "city"},
        tags={"path": "tags", "separator": ","},
        district="region.nowhere",
        address="late",
        attributes={"ids": {"path": "assoc.results.id"}},
    )
    assert [r["province"] for r in rows] == ["广东省", None, None]
    assert [r["city"] for r in rows] == ["深圳市", "杭州市", None]
    assert [r["tags"] for r in rows] == ["a,b", None, None]
    assert [r["district"] for r in rows] == [None, None, None]
    assert [r["address"] for r in rows] == [None, None, "only here"]  # a key of a later line only
    assert [r["attributes"] for r in rows] == ['{"ids":"7, 8"}', None, None]


def test_jsonl_columns_are_the_union_of_every_records_keys() -> None:
    rows = _rows({"id": "1", "a": "x"}, {"id": "2", "b": 'say "hi": ok', "c": {"d": 1}})
    assert record_columns(rows, jsonl=True) == ["id", "a", "b", "c"]


def test_keep_unmapped_keeps_every_other_column_as_an_attribute() -> None:
    source = SourceSettings.model_validate({
        "name": "s", "primary_key": "id", "mapping": {"source_record_id": "id", "name": "n"},
        "attributes": {"keep_unmapped": True, "tier": "lvl"},
    })  # fmt: skip
    assert source.keep_unmapped and list(source.attributes) == ["tier"]
    (row,) = to_canonical(
        _rows({"id": "1", "n": "ann", "lvl": "A", "会员卡": "88", "blank": ""}), source
    ).to_dicts()
    assert json.loads(row["attributes"]) == {"tier": "A", "会员卡": "88"}


def _config(tmp_path: Path, mapping: str, extra: str = "") -> Path:
    path = tmp_path / "dq.toml"
    head = f'[[sources]]\nname = "erp"\nprimary_key = "id"\n{extra}'
    path.write_text(f'{head}[sources.mapping]\nsource_record_id = "id"\n{mapping}', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mapping", "error"),
    [
        (
            'gender = { column = "g", codes = { "1" = 1 } }',
            "sources[erp].mapping.gender.codes.1: Input should be",
        ),
        ('gender = { colum = "g" }', "sources[erp].mapping.gender.colum: Extra inputs are not permitted"),
        (
            'gender = { column = "g", columns = ["a"] }',
            "sources[erp].mapping.gender: needs exactly one of column",
        ),
        ('gender = { then = "g" }', "sources[erp].mapping.gender: needs exactly one of column"),
        ('gender = { column = "g", then = "g" }', "sources[erp].mapping.gender: then/else need a when"),
        (
            'name = { when = { column = "t", equals = "a", in = ["b"] }, then = "x" }',
            "sources[erp].mapping.name.when: needs exactly one of equals, in, is_null",
        ),
        ('name = { when = { column = "t", equals = "a" } }', "sources[erp].mapping.name: when needs a then"),
        (
            'name = { when = { column = "t", equals = "a" }, then = { column = "x", codes = 5 } }',
            "sources[erp].mapping.name.then.codes: Input should be a valid dictionary",
        ),
        (
            "owner = { column = \"o\", pattern = '(a' }",
            "sources[erp].mapping.owner.pattern: not a valid regular",
        ),
        ("owner = { column = \"o\", pattern = '(a)', group = 2 }", "group 2 but the pattern has 1 group"),
        (
            'gender = { column = "g", codes_other = "null" }',
            "sources[erp].mapping.gender: codes_other needs codes",
        ),
        (
            "city = 5",
            "sources[erp].mapping.city: expected a column name, a list of column names or an inline",
        ),
        ("city = []", "sources[erp].mapping.city: List should have at least 1 item"),
        ('tier = "t"', "unknown canonical fields ['tier']"),
    ],
)
def test_invalid_mappings_are_refused_naming_source_and_key(tmp_path: Path, mapping: str, error: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_config(tmp_path, mapping), env={})
    assert error in str(caught.value)


def test_invalid_attributes_and_header_row_are_refused(tmp_path: Path) -> None:
    attributes = '[sources.attributes]\n"bad name" = "x"\n'
    with pytest.raises(SettingsError, match=r"sources\[erp\]\.attributes\.bad name"):
        load_settings(_config(tmp_path, 'name = "n"\n' + attributes), env={})
    with pytest.raises(SettingsError, match=r"sources\[erp\]\.header_row: Input should be greater"):
        load_settings(_config(tmp_path, 'name = "n"\n', "header_row = 0\n"), env={})


def test_table_form_of_sources_says_to_use_an_array_of_tables(tmp_path: Path) -> None:
    path = tmp_path / "dq.toml"
    path.write_text('[sources.crm]\nprimary_key = "id"\n', encoding="utf-8")
    with pytest.raises(
        SettingsError, match=r"write each source as \[\[sources\]\] with a name.*\[sources\.crm\]"
    ):
        load_settings(path, env={})
