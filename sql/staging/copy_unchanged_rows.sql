-- Unchanged records (`unchanged_rows`, registered: record_key, load_id, row_number) keep their staged row of the
-- previous date, under today's date, load and row number.
insert into staging.customers by name
select s.* replace (
    cast($snapshot_date as date) as snapshot_date, u.load_id as load_id, u.row_number as row_number
)
from staging.customers as s
join unchanged_rows as u on u.record_key = s.record_key
where s.snapshot_date = cast($previous_date as date) and s.source = $source;
