-- `hashes_frame` (source, record_key, raw_hash, fingerprint) registered by the staging step.
insert into staging.row_hashes by name
select cast($snapshot_date as date) as snapshot_date, * from hashes_frame;
