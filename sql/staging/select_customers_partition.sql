select * from staging.customers
where snapshot_date = cast($snapshot_date as date)
order by source, load_id, row_number;
