-- Record a tombstone (once: erasing the same record again keeps the first).
insert or ignore into raw.erasures (key_hash, source, erased_at, event_id)
values (raw.erasure_hash($record_key), $source, cast($erased_at as timestamp), $event_id);
