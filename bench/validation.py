"""Validation benchmark: accuracy of normalizers + rules on generated data, and GX vs one SQL query.

python -m bench validation --rows 1000000

1. accuracy: per planted defect kind and field, how many the normalizer/rules found (recall) and
   how many clean fields they flagged (false flags);
2. speed: run_rules (GX, row-level failures included) against one DuckDB query computing the same
   per-rule evaluated/failed counts over the same staged frame; the counts must agree.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import tomllib
from pathlib import Path

import duckdb
import polars as pl

from dq_project.expectations import default_rules, run_rules
from dq_project.expectations.accuracy import accuracy, stage_generated

DAY = dt.date(2026, 11, 20)
CONFIG = Path(__file__).resolve().parents[1] / "dq.toml"
SQL_COUNTS = """
with t as (select * from staged),
ids as (
    select id_number, count(distinct lower(regexp_replace(name, '\\s', '', 'g'))) as names
    from t where customer_type = 'person' and id_number is not null group by id_number
),
codes as (
    select credit_code, count(distinct lower(regexp_replace(company_name, '\\s', '', 'g'))) as names
    from t where customer_type = 'company' and credit_code is not null group by credit_code
),
keys as (select record_key from t where record_key is not null group by record_key having count(*) > 1),
x as (
    select t.*, coalesce(ids.names, 0) > 1 as id_shared, coalesce(codes.names, 0) > 1 as code_shared,
           keys.record_key is not null as key_dup
    from t left join ids using (id_number) left join codes using (credit_code)
    left join keys using (record_key)
)
select
    count(*) filter (where source_record_id is null) as source_record_id_present,
    count(*) filter (where key_dup) as record_key_unique,
    count(*) filter (where customer_type is null) as customer_type_present,
    count(*) filter (where customer_type = 'person' and name is null) as person_name_present,
    count(*) filter (where customer_type = 'company' and company_name is null) as company_name_present,
    count(*) filter (where mobile is null) as mobile_present,
    count(*) filter (where customer_type = 'person' and (name is null
        or (mobile is null and phone is null and email is null))) as person_required_fields,
    count(*) filter (where customer_type = 'company' and (company_name is null or credit_code is null))
        as company_required_fields,
    count(*) filter (where mobile is null and phone is null and email is null) as contact_channel_present,
    count(*) filter (where customer_type not in ('person', 'company')) as customer_type_is_allowed,
    count(*) filter (where gender not in ('M', 'F')) as gender_is_allowed,
    count(*) filter (where mobile_status = 'invalid') as mobile_is_valid_e164,
    count(*) filter (where phone_status = 'invalid') as phone_is_valid_e164,
    count(*) filter (where email_status = 'invalid') as email_is_valid,
    count(*) filter (where id_number_status = 'invalid') as id_number_checksum_valid,
    count(*) filter (where not id_region_known) as id_number_region_known,
    count(*) filter (where credit_code_status = 'invalid') as credit_code_checksum_valid,
    count(*) filter (where birth_date_status = 'invalid') as birth_date_is_valid,
    count(*) filter (where birth_date < date '1900-01-01' or birth_date > $as_of) as birth_date_in_range,
    count(*) filter (where updated_at < created_at) as updated_after_created,
    count(*) filter (where birth_date >= cast(created_at as date)) as birth_before_created,
    count(*) filter (where (($as_of - birth_date) / 365.2425) not between 0 and 120) as age_plausible,
    count(*) filter (where birth_date <> id_birth_date) as birth_date_matches_id,
    count(*) filter (where gender <> id_gender) as gender_matches_id,
    count(*) filter (where customer_type = 'person' and id_shared) as id_number_one_name,
    count(*) filter (where customer_type = 'company' and code_shared) as credit_code_one_name,
    count(*) filter (where coalesce(updated_at, created_at) < $as_of - interval 1095 day)
        as record_recently_updated
from x
"""


def speed(staged: pl.DataFrame, repeat: int = 3) -> None:
    """Best-of-`repeat` seconds: run_rules (GX, failures included) and the one SQL query."""
    rules = default_rules(as_of=DAY)
    gx_seconds, run = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        run = run_rules(staged, rules)
        gx_seconds = min(gx_seconds, time.perf_counter() - started)
    con = duckdb.connect()
    con.register("staged_arrow", staged.to_arrow())
    con.execute("create table staged as select * from staged_arrow")
    sql_seconds, counts = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        counts = con.execute(SQL_COUNTS, {"as_of": DAY}).pl()
        sql_seconds = min(sql_seconds, time.perf_counter() - started)
    gx_counts = dict(run.results.select("rule_id", "failed").iter_rows())
    sql_counts = {rule: counts[rule][0] for rule in gx_counts}
    disagree = {rule: (n, sql_counts[rule]) for rule, n in gx_counts.items() if n != sql_counts[rule]}
    print(f"speed  rows={staged.height:,}  rules={len(rules)}  failures={run.failures.height:,}")
    print(f"  run_rules (GX, row-level failures)  {gx_seconds:6.2f} s")
    ratio = gx_seconds / sql_seconds
    print(f"  one DuckDB query (counts only)      {sql_seconds:6.2f} s   ratio {ratio:.1f}x")
    print(f"  per-rule failed counts agree: {not disagree}" + (f"  {disagree}" if disagree else ""))


def main(rows: int) -> None:
    """Print the accuracy table and the speed comparison for `rows` generated records."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        sources = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["sources"]
        staged, truth = stage_generated(rows, 1, Path(tmp), sources, DAY)
        print(f"generate+stage  rows={rows:,}  seconds={time.perf_counter() - started:.1f}")
    run = run_rules(staged, default_rules(as_of=DAY))
    with pl.Config(tbl_rows=50, tbl_cols=20, float_precision=4):
        print(accuracy(staged, truth, run.failures))
    speed(staged)


if __name__ == "__main__":
    import sys

    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
