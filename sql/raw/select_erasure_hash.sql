-- The salted hash of a record key and whether a tombstone for it exists.
select raw.erasure_hash($record_key) as key_hash,
       exists (select 1 from raw.erasures where key_hash = raw.erasure_hash($record_key)) as erased;
