"""Corpus exports through the Dagster raw and staging assets: landed by configuration alone, mapped,
normalized and stored in staging.customers with their attributes; mapping warnings logged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import pytest

from dq_project.assets.raw import customer_rows
from dq_project.assets.staging import customers
from dq_project.settings import load_settings
from dq_project.warehouse.resource import WarehouseResource, open_warehouse

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
DAY = "2026-11-20"
SOURCES = ("kingdee_customers", "wechat_signups", "jiandaoyun_members")


def test_corpus_exports_stage_with_attributes(tmp_path: Path) -> None:
    blocks = [(CORPUS / f"{name}.toml").read_text(encoding="utf-8") for name in SOURCES]
    config = tmp_path / "dq.toml"
    config.write_text('[access]\ndefault_role = "admin"\n\n' + "\n".join(blocks), encoding="utf-8")
    home = tmp_path / "home"
    settings = load_settings(config, home=home, env={})
    for source in settings.sources:
        export = next(CORPUS.glob(source.pattern))
        folder = settings.source_landing(source)
        folder.mkdir(parents=True)
        shutil.copyfile(export, folder / f"{export.stem}_{DAY}{export.suffix}")

    result = dg.materialize(
        [customer_rows, customers],
        partition_key=DAY,
        resources={"warehouse": WarehouseResource(config_path=str(config), home=str(home))},
    )
    assert result.success

    con = open_warehouse(settings.warehouse_path)
    try:
        rows = con.sql(
            "select source_record_id, customer_type, name, company_name, credit_code, credit_code_status, "
            "id_number, gender, owner, attributes from staging.customers"
        ).fetchall()
        warnings = con.sql("select source, kind, reference from raw.mapping_warnings").fetchall()
    finally:
        con.close()
    staged = {r[0]: r[1:] for r in rows}
    assert len(staged) == 6 + 4 + 4
    company = staged["CUST.000102"]
    assert company[:5] == ("company", "刘洋", "北京星辰科技有限公司", "91110105MA01ABCD13", "ok")
    assert company[5] is None and company[7] == "黄鹏"
    assert json.loads(company[8]) == {"tier": "金卡", "employee_no": "2406"}
    person = staged["CUST.000101"]
    assert (person[0], person[5], person[6]) == ("person", "110105198504120030", "M")
    assert json.loads(staged["oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"][8])["unionid"] == "o6_bmasdasdsad6_2sgVt7hMZOPfL"
    assert json.loads(staged["HY20261101001"][8]) == {"member_level": "金卡", "registered_by": "前台-小李"}
    # every mapped column of these exports is present and filled somewhere: nothing to warn about
    assert warnings == []
