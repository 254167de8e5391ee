-- A tombstone from the erasure ledger (<home>/erasures.jsonl), kept once.
insert or ignore into raw.erasures (key_hash, source, erased_at, event_id)
values ($key_hash, $source, cast($erased_at as timestamp), $event_id);
