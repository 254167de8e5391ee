delete from staging.customers where snapshot_date = cast($snapshot_date as date);
