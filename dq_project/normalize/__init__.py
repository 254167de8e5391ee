"""Field normalizers for canonical customer records (no Dagster: plain frames in, frames out).

`normalize_frame` is what the pipeline calls; the building blocks are pure polars expressions or
Series -> DataFrame[value, status] functions, reusable and tested on their own.
"""

from dq_project.normalize.categories import normalize_customer_type, normalize_gender
from dq_project.normalize.cn_ids import (
    credit_code_checksum_ok,
    normalize_credit_code,
    normalize_resident_id,
    resident_id_checksum_ok,
    upgrade_resident_id,
)
from dq_project.normalize.dates import normalize_date, normalize_datetime, parse_date, parse_datetime
from dq_project.normalize.email import email_is_valid, normalize_email
from dq_project.normalize.frame import STATUS_FIELDS, normalize_frame, normalize_source_frame
from dq_project.normalize.phone import normalize_mobile, normalize_phone
from dq_project.normalize.text import (
    clean_text,
    normalize_tags,
    normalize_text,
    null_placeholders,
    to_halfwidth,
)

__all__ = [
    "STATUS_FIELDS",
    "clean_text",
    "credit_code_checksum_ok",
    "email_is_valid",
    "normalize_credit_code",
    "normalize_customer_type",
    "normalize_date",
    "normalize_datetime",
    "normalize_email",
    "normalize_frame",
    "normalize_source_frame",
    "normalize_gender",
    "normalize_mobile",
    "normalize_phone",
    "normalize_resident_id",
    "normalize_tags",
    "normalize_text",
    "null_placeholders",
    "parse_date",
    "parse_datetime",
    "resident_id_checksum_ok",
    "to_halfwidth",
    "upgrade_resident_id",
]
