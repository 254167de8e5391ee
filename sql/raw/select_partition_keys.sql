-- The record keys of a date's raw rows of one source, in first-seen order (load, row, position):
-- of each load's first row, or with $every_record (JSON Lines, where each record holds only its own
-- keys) of every row. `key` without byte-order marks (what staging calls the column), `raw_key` as
-- stored (what a JSON pointer into the record must name).
with rows as (
    select load_id, row_number, json_keys(record) as keys
    from raw.customer_rows as r
    where snapshot_date = cast($snapshot_date as date) and source = $source
      and ($every_record or row_number = (
          select min(f.row_number) from raw.customer_rows as f where f.load_id = r.load_id))
), keyed as (
    select load_id, row_number, unnest(keys) as raw_key, unnest(range(len(keys))) as position
    from rows
)
select replace(raw_key, chr(65279), '') as key, raw_key
from keyed
group by raw_key
order by min((load_id, row_number, position));
