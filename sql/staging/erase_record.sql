-- Erasure (see raw/build_erasure_targets): every staged version of the record.
delete from staging.customers as s
where s.record_key = $record_key
   or exists (select 1 from erasure_rows as e where e.load_id = s.load_id and e.row_number = s.row_number);
-- ... and the raw row hashes incremental staging kept for it (staging/row_hashes).
delete from staging.row_hashes where record_key = $record_key;
