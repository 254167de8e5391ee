"""Writing the source files (the sources' own headers and encodings) and the ground truth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from dq_generator.formats import ERP, SOURCES, WEB

# canonical field -> (crm header, erp header), in file column order.
HEADERS: dict[str, tuple[str, str]] = {
    "source_record_id": ("customer_id", "客户编号"),
    "customer_type": ("type", "客户类型"),
    "name": ("full_name", "姓名"),
    "gender": ("gender", "性别"),
    "birth_date": ("birthday", "出生日期"),
    "id_number": ("id_card_no", "证件号码"),
    "company_name": ("company", "单位名称"),
    "credit_code": ("credit_code", "统一社会信用代码"),
    "mobile": ("mobile", "手机号码"),
    "phone": ("telephone", "固定电话"),
    "email": ("email", "电子邮箱"),
    "province": ("province", "省份"),
    "city": ("city", "城市"),
    "district": ("district", "区县"),
    "address": ("address", "详细地址"),
    "owner": ("sales_rep", "录入人"),
    "tags": ("tags", "标签"),
    "created_at": ("created_time", "创建时间"),
    "updated_at": ("last_modified", "更新时间"),
}
TRUTH_DIR = "_truth"


def source_path(out_dir: Path, source: str, snapshot_date: dt.date) -> Path:
    """out_dir/<source>/<source>_<YYYY-MM-DD>.csv"""
    return out_dir / source / f"{source}_{snapshot_date.isoformat()}.csv"


def split_web(records: pl.DataFrame, share: float) -> pl.DataFrame:
    """Move `share` of the erp records to the web source (a stable pick by record id); the
    ground truth follows, since it is written from the same frame."""
    picked = (pl.col("source") == ERP) & (
        pl.col("source_record_id").hash(7) % 10_000 < int(share / 0.45 * 10_000)
    )
    return records.with_columns(pl.when(picked).then(pl.lit(WEB)).otherwise("source").alias("source"))


def write_sources(records: pl.DataFrame, out_dir: Path, snapshot_date: dt.date) -> dict[str, Path]:
    """One CSV per source: crm UTF-8 with English headers, erp UTF-8 with BOM and Chinese headers;
    web (only when split_web moved records there) JSON Lines with crm's English keys."""
    files = {}
    web = records.filter(pl.col("source") == WEB)
    if not web.is_empty():
        path = out_dir / WEB / f"{WEB}_{snapshot_date.isoformat()}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        web.select(
            pl.col(field).cast(pl.String).alias(names[0]) for field, names in HEADERS.items()
        ).write_ndjson(path)
        files[WEB] = path
    for position, source in enumerate(SOURCES):
        path = source_path(out_dir, source, snapshot_date)
        path.parent.mkdir(parents=True, exist_ok=True)
        columns = [pl.col(field).cast(pl.String).alias(names[position]) for field, names in HEADERS.items()]
        rows = records.filter(pl.col("source") == source).select(columns)
        rows.write_csv(path, include_bom=source == ERP)
        files[source] = path
    return files


def write_truth(records: pl.DataFrame, defects: pl.DataFrame, out_dir: Path) -> Path:
    """_truth/entities.csv (every record's entity) and _truth/defects.csv (every planted defect)."""
    truth_dir = out_dir / TRUTH_DIR
    truth_dir.mkdir(parents=True, exist_ok=True)
    entities = records.select(
        "source",
        "source_record_id",
        "entity_id",
        customer_type=pl.when("is_company").then(pl.lit("company")).otherwise(pl.lit("person")),
        hard_negative=pl.col("hard_negative"),
        hn_group=pl.when(pl.col("hn_group") >= 0).then(
            pl.concat_str(pl.lit("E"), (pl.col("hn_group") + 1).cast(pl.String).str.zfill(7))
        ),
    ).sort("source", "source_record_id")
    entities.write_csv(truth_dir / "entities.csv")
    defects.write_csv(truth_dir / "defects.csv")
    return truth_dir
