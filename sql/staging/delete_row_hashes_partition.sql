delete from staging.row_hashes where snapshot_date = cast($snapshot_date as date);
