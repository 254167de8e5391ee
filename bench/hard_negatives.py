"""Hard-negative merge rates per category: pairs of records of two different true entities that
the generator made look alike (truth columns hard_negative, hn_group), and how many dq merged."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

CATEGORIES = {
    "1": "namesakes (common name, same district)",
    "2": "family (surname, address, shared mobile)",
    "3": "company, same trade name, other city",
    "4": "twins (surname, birth date, address; one given character)",
    "5": "company, other legal form (有限/股份/集团)",
    "6": "company branch (分公司/分店)",
    "7": "company, one brand character differs",
}


def hard_negative_rates(clusters: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """category, pairs, merged, rate (one row per category, plus 'all'); empty without the columns."""
    schema = {"category": pl.String, "pairs": pl.Int64, "merged": pl.Int64, "rate": pl.Float64}
    if "hn_group" not in truth.columns:
        return pl.DataFrame(schema=schema)
    con = duckdb.connect()
    con.register("c", clusters.to_arrow())
    con.register("t", truth.filter(pl.col("hn_group").is_not_null() & (pl.col("hn_group") != "")).to_arrow())
    rows = con.sql(
        """
        with r as (select t.record_key, t.entity_id, t.hard_negative, t.hn_group, c.cluster_key
                   from t join c using (record_key)),
        pairs as (
            select a.hard_negative as category, a.cluster_key = b.cluster_key as merged
            from r as a join r as b
              on a.hn_group = b.hn_group and a.entity_id < b.entity_id and a.hard_negative = b.hard_negative
        )
        select category, count(*) as pairs, count(*) filter (where merged) as merged
        from pairs group by rollup (category) order by category nulls last
        """
    ).pl()
    con.close()
    return rows.with_columns(
        pl.col("category").replace_strict(CATEGORIES, default=pl.col("category")).fill_null("all"),
        (pl.col("merged") / pl.col("pairs")).alias("rate"),
    ).cast(schema)


SAME_CODE = """
with s as (
    select c.record_key, c.cluster_key, t.entity_id, s.customer_type, s.name,
           case when s.customer_type = 'company' then s.credit_code else s.id_number end as code
    from staging.current_customers(current_date + 1) as s
    join clusters as c using (record_key) join truth as t using (record_key)
    where (s.customer_type = 'company' and s.credit_code_status in ('ok', 'normalized'))
       or (s.customer_type = 'person' and s.id_number_status in ('ok', 'normalized'))
)
select a.customer_type, coalesce(a.name, '') <> coalesce(b.name, '') as contact_changed,
       count(*) as pairs, count(*) filter (where a.cluster_key = b.cluster_key) as merged
from s as a join s as b
  on a.code = b.code and a.record_key < b.record_key and a.entity_id = b.entity_id
group by all order by all
"""


def same_code_recall(warehouse: Path, clusters: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """True pairs with the same valid credit code (companies) or resident ID (persons): how many
    merged, apart for company records whose contact person differs (name changed)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    con.register("clusters", clusters.to_arrow())
    con.register("truth", truth.to_arrow())
    try:
        return con.sql(SAME_CODE).pl()
    finally:
        con.close()
