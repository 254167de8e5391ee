-- The record keys of a date's raw rows of one source, in first-seen order (load, row, position):
-- of each load's first row, or with $every_record (JSON Lines, where each record holds only its own
-- keys) of every row. `key` without byte-order marks (what staging calls the column), `raw_key` as
-- stored (what a JSON pointer into the record must name). Only the picked records are read.
with partition_rows as (
    select load_id, row_number
    from raw.customer_rows
    where snapshot_date = cast($snapshot_date as date) and source = $source
), firsts as (
    select load_id, min(row_number) as row_number from partition_rows group by load_id
), picked as (
    select load_id, row_number from partition_rows where $every_record
    union all
    select load_id, row_number from firsts where not $every_record
), keyed as (
    select r.load_id, r.row_number, unnest(json_keys(r.record)) as raw_key,
           unnest(range(len(json_keys(r.record)))) as position
    from raw.customer_rows as r
    semi join picked as p on p.load_id = r.load_id and p.row_number = r.row_number
    where r.snapshot_date = cast($snapshot_date as date) and r.source = $source
)
select replace(raw_key, chr(65279), '') as key, raw_key
from keyed
group by raw_key
order by min((load_id, row_number, position));
