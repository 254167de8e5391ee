"""Stage hand-written canonical rows the way the pipeline does (normalize_frame + record_key)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dq_project.normalize import normalize_frame

DAY = dt.date(2026, 11, 20)
VALID = {
    "source": "crm",
    "customer_type": "person",
    "name": "张三",
    "gender": "男",
    "birth_date": "1985-03-12",
    "id_number": "11010519850312001X",
    "mobile": "13912345670",
    "phone": "010-62345678",
    "email": "zhang.san@qq.com",
    "province": "北京市",
    "city": "北京市",
    "district": "东城区",
    "address": "东城区东直门南大街1号",
    "owner": "王建国",
    "created_at": "2024-01-05 10:22:00",
    "updated_at": "2025-06-01 09:00:00",
}


def stage(rows: list[dict], *, country: str = "CN", region: str = "CN") -> pl.DataFrame:
    """Rows (each a dict of canonical text values, missing keys from VALID) staged for `DAY`."""
    filled = [{**VALID, "source_record_id": f"R{i:03d}", **row} for i, row in enumerate(rows)]
    raw = pl.DataFrame(filled, schema=dict.fromkeys(filled[0], pl.String))
    staged = normalize_frame(raw, default_region=region, today=DAY, default_country=country)
    return staged.with_columns(record_key=pl.format("{}:{}", "source", "source_record_id"))
