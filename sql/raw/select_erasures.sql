-- Every tombstone (for the erasure ledger beside the warehouse and for a restore to re-apply).
select key_hash, source, cast(erased_at as varchar) as erased_at, event_id from raw.erasures order by erased_at;
