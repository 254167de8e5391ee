"""The record's country as an ISO 3166 alpha-2 code: written in the record, else the source's own.

Chinese division, resident-ID and mobile rules judge CN records only (issue 21), so the country must
be explicit. A written value is folded (width, case, spaces) and looked up: ISO alpha-2 codes that
phonenumbers knows as regions, and common names and codes in Chinese and English (中国, China, PRC,
CHN; 香港 -> HK; UK -> GB). A value not recognised is 'invalid' ('unknown_country'), and keeps its text.
A missing value takes the source's `country` setting: status 'normalized', reason 'source_default'.
"""

from __future__ import annotations

import phonenumbers
import polars as pl

from dq_project.normalize.text import (
    RAW,
    STATUS_INVALID,
    STATUS_NORMALIZED,
    STATUS_OK,
    clean_text,
    field_frame,
)

ALIASES: dict[str, str] = {
    "中国": "CN", "中华人民共和国": "CN", "中国大陆": "CN", "大陆": "CN", "china": "CN", "prc": "CN",
    "chn": "CN", "people's republic of china": "CN", "mainland china": "CN",
    "香港": "HK", "中国香港": "HK", "hong kong": "HK", "hkg": "HK", "澳门": "MO", "中国澳门": "MO",
    "macau": "MO", "macao": "MO", "台湾": "TW", "中国台湾": "TW", "taiwan": "TW",
    "uk": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "gbr": "GB", "英国": "GB", "usa": "US", "united states": "US", "america": "US",
    "美国": "US", "日本": "JP", "japan": "JP", "韩国": "KR", "south korea": "KR", "korea": "KR",
    "新加坡": "SG", "singapore": "SG", "马来西亚": "MY", "malaysia": "MY", "德国": "DE",
    "germany": "DE", "法国": "FR", "france": "FR", "澳大利亚": "AU", "australia": "AU",
    "加拿大": "CA", "canada": "CA",
}  # fmt: skip
REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)


def plan_country(values: pl.Series, default_country: str = "CN") -> pl.LazyFrame:
    """Columns value, status, reason of a country field (see the module docstring)."""
    cleaned = clean_text(pl.col(RAW))
    folded = cleaned.str.to_lowercase()
    code = pl.coalesce(
        folded.replace_strict(list(ALIASES), list(ALIASES.values()), default=None, return_dtype=pl.String),
        pl.when(cleaned.str.to_uppercase().is_in(REGIONS)).then(cleaned.str.to_uppercase()),
    )
    return (
        field_frame(values)
        .with_columns(cleaned=cleaned, code=code)
        .select(
            value=pl.coalesce("code", "cleaned", pl.lit(default_country)),
            status=pl.when(pl.col("cleaned").is_null())
            .then(pl.lit(STATUS_NORMALIZED))
            .when(pl.col("code").is_null())
            .then(pl.lit(STATUS_INVALID))
            .when(pl.col("code") == pl.col(RAW).str.strip_chars())
            .then(pl.lit(STATUS_OK))
            .otherwise(pl.lit(STATUS_NORMALIZED)),
            reason=pl.when(pl.col("cleaned").is_null())
            .then(pl.lit("source_default"))
            .when(pl.col("code").is_null())
            .then(pl.lit("unknown_country")),
        )
    )
