import datetime as dt

import polars as pl
import pytest

from dq_project.normalize import STATUS_FIELDS, normalize_frame
from dq_project.normalize.frame import CANONICAL_FIELDS

TODAY = dt.date(2025, 6, 1)
ROWS = {
    "load_id": ["L1", "L1", "L1"],
    "row_number": [1, 2, 3],
    "source": ["crm", "erp", "crm"],
    "source_record_id": ["C1", "E7", "C2"],
    "record_key": ["crm:C1", "erp:E7", "crm:C2"],
    "customer_type": ["person", "企业", None],
    "name": ["张三", " ＬＩ　Ｎａ ", "无"],
    "gender": ["M", "女", "0"],
    "birth_date": ["1949-12-31", "1985年3月12日", "1990-02-30"],
    "id_number": ["11010519491231002X", "110105491231002", "110105194912310021"],
    "company_name": [None, "某某（北京）科技有限公司", None],
    "credit_code": [None, "91110000600037341L", "91110000600037341A"],
    "mobile": ["13812345678", "＋８６ １３８ １２３４ ５６７８", "1381234567"],
    "phone": [None, "010-12345678", "12345"],
    "email": ["zhang@qq.com", "ＬＩ＠１６３。ＣＯＭ", "li@@163.com"],
    "province": ["北京市", "北京市", None],
    "city": ["北京", "北京", None],
    "district": ["朝阳区", "-", None],
    "address": ["建国路88号", "科技园　南区1栋", None],
    "owner": ["sales01", "王五", None],
    "tags": ["vip;重点", "vip ； 老客户", None],
    "created_at": ["2023-01-05 10:22:33", "2023/01/05 10:22", "2023-01-05 10:22:33"],
    "updated_at": ["2023-02-01 08:00:00", "2023/02/01 08:00", "yesterday"],
}


@pytest.fixture(scope="module")
def normalized() -> pl.DataFrame:
    return normalize_frame(pl.DataFrame(ROWS), today=TODAY)


def test_output_columns_and_types(normalized: pl.DataFrame) -> None:
    status_columns = [f"{f}_status" for f in STATUS_FIELDS]
    reason_columns = [f"{f}_reason" for f in STATUS_FIELDS]
    derived = ["id_birth_date", "id_gender", "id_region_known", "email_suggestion"]
    international = ["given_name", "family_name", "postcode", "identifier", "country"]  # absent here: added as null
    assert normalized.columns == [*ROWS, *international, *derived, *status_columns, *reason_columns]
    assert normalized.height == 3
    types = normalized.schema
    assert types["birth_date"] == pl.Date and types["id_birth_date"] == pl.Date
    assert types["created_at"] == pl.Datetime("us") and types["updated_at"] == pl.Datetime("us")
    assert types["row_number"] == pl.Int64
    temporal = {"birth_date", "created_at", "updated_at", "id_birth_date", "row_number", "id_region_known"}
    assert all(types[c] == pl.String for c in normalized.columns if c not in temporal)
    assert len(STATUS_FIELDS) == 22 and not {"source", "source_record_id", "tags"} & set(STATUS_FIELDS)


def test_pass_through_columns_untouched(normalized: pl.DataFrame) -> None:
    for column in ("load_id", "row_number", "source", "source_record_id", "record_key"):
        assert normalized[column].to_list() == ROWS[column]


def test_values(normalized: pl.DataFrame) -> None:
    first, second, third = normalized.iter_rows(named=True)
    assert second["customer_type"] == "company" and third["customer_type"] == "company"  # credit code present
    assert second["name"] == "LI Na" and third["name"] is None
    assert [first["gender"], second["gender"], third["gender"]] == ["M", "F", "0"]
    assert second["birth_date"] == dt.date(1985, 3, 12) and third["birth_date"] is None
    assert second["id_number"] == "11010519491231002X" and second["id_birth_date"] == dt.date(1949, 12, 31)
    assert second["id_gender"] == "F" and third["id_gender"] is None
    assert second["company_name"] == "某某(北京)科技有限公司"
    assert first["mobile"] == second["mobile"] == "+8613812345678" and third["mobile"] == "1381234567"
    assert second["phone"] == "+861012345678" and third["phone"] == "12345"
    assert second["email"] == "li@163.com"
    assert second["address"] == "科技园 南区1栋" and second["district"] is None
    assert second["tags"] == "vip;老客户"
    assert second["created_at"] == dt.datetime(2023, 1, 5, 10, 22) and third["updated_at"] is None


def test_statuses(normalized: pl.DataFrame) -> None:
    expected = {
        "customer_type": ["ok", "normalized", "normalized"],
        "name": ["ok", "normalized", "missing"],
        "gender": ["ok", "normalized", "invalid"],
        "birth_date": ["ok", "normalized", "invalid"],
        "id_number": ["ok", "normalized", "invalid"],
        "company_name": ["missing", "normalized", "missing"],
        "credit_code": ["missing", "ok", "invalid"],
        "mobile": ["normalized", "normalized", "invalid"],
        "phone": ["missing", "normalized", "invalid"],
        "email": ["ok", "normalized", "invalid"],
        "district": ["ok", "missing", "missing"],
        "created_at": ["ok", "normalized", "ok"],
        "updated_at": ["ok", "normalized", "invalid"],
    }
    for field, statuses in expected.items():
        assert normalized[f"{field}_status"].to_list() == statuses, field


def test_absent_canonical_columns_are_null() -> None:
    out = normalize_frame(pl.DataFrame({"mobile": ["13812345678", None], "extra": [1, 2]}), today=TODAY)
    assert out["extra"].to_list() == [1, 2]
    assert set(CANONICAL_FIELDS) <= set(out.columns)
    assert out["mobile"].to_list() == ["+8613812345678", None]
    assert out["email_status"].to_list() == ["missing", "missing"]
    assert out["customer_type"].to_list() == ["person", "person"]


def test_empty_frame() -> None:
    out = normalize_frame(pl.DataFrame({"name": []}, schema={"name": pl.String}))
    assert out.height == 0 and "mobile_status" in out.columns


def test_date_order_is_passed_through() -> None:
    frame = pl.DataFrame({"birth_date": ["03/04/1980"], "created_at": ["03/04/2020 10:00"]})
    dmy = normalize_frame(frame, date_order="DMY", today=TODAY)
    mdy = normalize_frame(frame, date_order="MDY", today=TODAY)
    assert dmy["birth_date"].item() == dt.date(1980, 4, 3) and mdy["birth_date"].item() == dt.date(1980, 3, 4)
    assert dmy["created_at"].item() == dt.datetime(2020, 4, 3, 10)
    with pytest.raises(ValueError, match="date_order"):
        normalize_frame(frame, date_order="DYM")
