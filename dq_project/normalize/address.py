"""Province, city and district: standardized to full names and filled in from the free-text address.

A value the source wrote in its own column is looked up in the division table (divisions.py):
广东 -> 广东省 ('normalized'), 北京 -> 北京市; a name the table does not know is 'invalid' with reason
'unknown_division'. An empty column is filled from the address text, which is parsed by anchored
prefix lookups in the table's names (province, then prefecture, then county, each optional):
'广东省深圳市南山区科技路1号' and '南山区科技路1号' both give 南山区 (longest
name first). A county name that exists in
several places (朝阳区: Beijing and Changchun) is filled only when the province or city, written or
parsed, leaves one candidate. Filled values get status 'normalized' and their provenance as reason
('derived_from:address', 'derived_from:city', 'derived_from:district'): a missing province is never
filled in silently, and one that cannot be derived stays 'missing'. Records outside China (`chinese`
False) are not looked up: their values are only cleaned (an English city is not an unknown division).
Everything is vectorized.
"""

from __future__ import annotations

import polars as pl

from dq_project.normalize.divisions import city_aliases, county_table, province_aliases
from dq_project.normalize.text import (
    STATUS_INVALID,
    STATUS_MISSING,
    STATUS_NORMALIZED,
    STATUS_OK,
    clean_text,
    missing_reason,
)

UNKNOWN_DIVISION = "unknown_division"


def _longest_prefix(text: pl.Expr, names: list[str]) -> pl.Expr:
    """The longest of `names` that `text` starts with (null if none): one hash lookup of the text's
    first n characters per distinct name length (a regex alternation of ~3,000 county names was
    about 20x slower)."""
    lengths = sorted({len(name) for name in names}, reverse=True)
    return pl.coalesce(pl.when(text.str.slice(0, n).is_in(names)).then(text.str.slice(0, n)) for n in lengths)


def _parse_address(address: pl.Series) -> pl.DataFrame:
    """Columns a_province, a_city, a_district: the province alias, city alias and county name the
    cleaned address starts with, each optional (null when absent). Steps are collected one by one:
    as a single nested expression polars re-evaluated the earlier levels many times."""
    names = {
        "a_province": province_aliases()["alias"].to_list(),
        "a_city": city_aliases()["alias"].to_list(),
        "a_district": county_table()["district"].unique().to_list(),
    }
    frame = pl.DataFrame({"rest": address.str.replace_all(r"\s", "")})
    for column, candidates in names.items():
        frame = frame.with_columns(_longest_prefix(pl.col("rest"), candidates).alias(column))
        after = pl.col("rest").str.slice(pl.col(column).str.len_chars().fill_null(0))
        if column == "a_city":
            # A short city name that begins a county name is not a city (朝阳 in 朝阳区建国路).
            frame = frame.with_columns(pl.when(~after.str.contains(r"^[区县旗]")).then(column).alias(column))
        frame = frame.with_columns(rest=after)
    return frame.drop("rest")


def _lookup(frame: pl.LazyFrame, key: str, table: pl.DataFrame, renames: dict[str, str]) -> pl.LazyFrame:
    """Left join of `table` (columns renamed, its alias column dropped) on `key` = table.alias."""
    right = table.lazy().rename(renames).with_columns(pl.col("alias").alias("__key")).drop("alias")
    return frame.join(right, left_on=key, right_on="__key", how="left", maintain_order="left")


def _resolve_district(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The county's unique (province, city) among the candidates consistent with the context."""
    candidates = (
        frame.select("row", "district_name", "ctx_province", "ctx_city")
        .join(county_table().lazy(), left_on="district_name", right_on="district", how="inner")
        .filter(
            (pl.col("ctx_province").is_null() | (pl.col("province") == pl.col("ctx_province")))
            & (pl.col("ctx_city").is_null() | (pl.col("city") == pl.col("ctx_city")))
        )
        .group_by("row")
        .agg(
            pl.col("province").first().alias("d_province"),
            pl.col("city").first().alias("d_city"),
            pl.len().alias("d_candidates"),
        )
        .filter(pl.col("d_candidates") == 1)
    )
    return frame.join(candidates.drop("d_candidates"), on="row", how="left", maintain_order="left")


def _status(
    raw: pl.Expr, cleaned: pl.Expr, known: pl.Expr, value: pl.Expr, filled: pl.Expr, provenance: pl.Expr
) -> list[pl.Expr]:
    status = (
        pl.when(cleaned.is_not_null() & ~known)
        .then(pl.lit(STATUS_INVALID))
        .when(cleaned.is_not_null() & (value == raw.str.strip_chars()))
        .then(pl.lit(STATUS_OK))
        .when(cleaned.is_not_null() | filled.is_not_null())
        .then(pl.lit(STATUS_NORMALIZED))
        .otherwise(pl.lit(STATUS_MISSING))
    )
    reason = (
        pl.when(cleaned.is_not_null() & ~known)
        .then(pl.lit(UNKNOWN_DIVISION))
        .when(cleaned.is_null() & filled.is_null())
        .then(missing_reason(raw))
        .when(cleaned.is_null())
        .then(provenance)
    )
    return [status, reason]


def normalize_divisions(
    province: pl.Series,
    city: pl.Series,
    district: pl.Series,
    address: pl.Series,
    chinese: pl.Series | None = None,
) -> dict[str, pl.DataFrame]:
    """Standardize and fill province/city/district (see the module docstring); `chinese` marks the
    records to look up (default: all).

    Returns {"province": ..., "city": ..., "district": ...}, each a frame with columns value,
    status and reason, in input order.
    """
    c = pl.col
    names = county_table()["district"].unique()
    frame = (
        pl.LazyFrame(
            {
                "p_raw": province,
                "c_raw": city,
                "d_raw": district,
                "address": address,
                "cn": chinese if chinese is not None else pl.repeat(True, len(province), eager=True),
            },
            schema={**dict.fromkeys(("p_raw", "c_raw", "d_raw", "address"), pl.String), "cn": pl.Boolean},
        )
        .with_row_index("row")
        .with_columns(
            a_text=clean_text(c("address")),
            p_clean=clean_text(c("p_raw")),
            c_clean=clean_text(c("c_raw")),
            d_clean=clean_text(c("d_raw")).str.replace_all(r"\s", ""),
        )
    )
    frame = pl.concat(
        [frame.collect(), _parse_address(frame.select("a_text").collect()["a_text"])], how="horizontal"
    ).lazy()
    frame = _lookup(frame, "p_clean", province_aliases(), {"full": "p_std"})
    frame = _lookup(frame, "a_province", province_aliases(), {"full": "ap_std"})
    frame = _lookup(frame, "c_clean", city_aliases(), {"city": "c_std", "province": "c_prov"})
    frame = _lookup(frame, "a_city", city_aliases(), {"city": "ac_std", "province": "ac_prov"})
    frame = frame.with_columns(
        ctx_province=pl.coalesce("p_std", "ap_std", "c_prov", "ac_prov"),
        ctx_city=pl.coalesce("c_std", "ac_std"),
        d_known=c("d_clean").is_in(names.implode()),
    ).with_columns(district_name=pl.when(c("d_known")).then("d_clean").otherwise("a_district"))
    frame = _resolve_district(frame.collect().lazy()).collect().lazy()
    cn = c("cn").fill_null(True)
    fills = {
        "province": pl.coalesce("ap_std", "c_prov", "ac_prov", "d_province"),
        "city": pl.coalesce("ac_std", "d_city"),
        "district": pl.when(c("d_province").is_not_null()).then("a_district"),
    }
    fills = {field: pl.when(cn).then(fill) for field, fill in fills.items()}
    by_district = pl.when(c("d_known")).then(pl.lit("derived_from:district"))
    address = pl.lit("derived_from:address")
    provenance = {
        "province": pl.when(c("ap_std").is_not_null())
        .then(address)
        .when(c("c_prov").is_not_null())
        .then(pl.lit("derived_from:city"))
        .when(c("ac_prov").is_not_null())
        .then(address)
        .otherwise(by_district.otherwise(address)),
        "city": pl.when(c("ac_std").is_not_null()).then(address).otherwise(by_district.otherwise(address)),
        "district": address,
    }
    given = {
        "province": ("p_raw", "p_clean", c("p_std").is_not_null(), pl.coalesce("p_std", "p_clean")),
        "city": ("c_raw", "c_clean", c("c_std").is_not_null(), pl.coalesce("c_std", "c_clean")),
        "district": ("d_raw", "d_clean", c("d_known"), c("d_clean")),
    }
    columns = []
    for field, (raw, cleaned, known, value) in given.items():
        value = pl.when(cn).then(value).otherwise(cleaned)
        status, reason = _status(c(raw), c(cleaned), known | ~cn, value, fills[field], provenance[field])
        columns += [
            pl.coalesce(value, fills[field]).alias(f"{field}__value"),
            status.alias(f"{field}__status"),
            reason.alias(f"{field}__reason"),
        ]
    result = frame.select(columns).collect()
    return {
        field: result.select(value=f"{field}__value", status=f"{field}__status", reason=f"{field}__reason")
        for field in given
    }
