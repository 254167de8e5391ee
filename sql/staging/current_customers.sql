-- Table macro: the latest staged version of every source record as of a date (the state that
-- matching and golden records are computed over). Ties within one snapshot: latest load, last row.
create or replace macro staging.current_customers(as_of) as table
select * exclude (version_rank)
from (
    select
        *,
        row_number() over (
            partition by record_key
            order by snapshot_date desc, load_id desc, row_number desc
        ) as version_rank
    from staging.customers
    where snapshot_date <= as_of and record_key is not null
)
where version_rank = 1;
