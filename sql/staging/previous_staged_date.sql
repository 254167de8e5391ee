-- The latest date before $snapshot_date at which a source was staged with row hashes.
select max(snapshot_date) from staging.row_hashes
where source = $source and snapshot_date < cast($snapshot_date as date);
