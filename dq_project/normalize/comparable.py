"""Comparable names: keys under which differently written names of one customer agree.

Shared by the rules (expectations: a name that disagrees with its ID's owner) and by matching, so
quality code needs no matching import.
"""

from __future__ import annotations

import polars as pl

from dq_project.normalize import places
from dq_project.normalize.clean import clean_text
from dq_project.normalize.name_keys import name_keys


def with_comparable_names(frame: pl.DataFrame) -> pl.DataFrame:
    """Add name_key (pinyin key: 张伟, 张玮 and "Zhang Wei" agree) and company_key (the company name
    without legal suffix and region prefix), so rules can tell a differently written name from a
    different customer. Absent input columns count as null; no other column is added."""

    def text(column: str) -> pl.Series:
        if column not in frame.columns:
            return pl.Series(column, [None] * frame.height, pl.String)
        return clean_text(frame[column])

    cleaned = text("name").alias("name_clean")
    keys = name_keys(cleaned.unique().drop_nulls()).select("name_clean", "name_key")
    company = places.company_core(text("company_name"), text("city"), text("province")).alias("company_key")
    return (
        frame.with_columns(cleaned, company)
        .join(keys, on="name_clean", how="left", maintain_order="left")
        .drop("name_clean")
    )
