-- Erasure tombstones: one row per source record erased on request (dq erase), holding only a salted
-- SHA-256 of its record key (source:source_record_id), so a later load of a file that still holds the
-- record skips it. The salt is random, made once per warehouse. Append-only.
create table if not exists raw.erasure_salt (salt varchar not null);
insert into raw.erasure_salt
select sha256(cast(gen_random_uuid() as varchar) || cast(gen_random_uuid() as varchar))
where not exists (select 1 from raw.erasure_salt);
create table if not exists raw.erasures (
    key_hash   varchar primary key,
    source     varchar not null,
    erased_at  timestamp not null,
    event_id   varchar not null
);
-- The salted hash of a record key, and a source key stripped of white space the way staging strips it
-- (Polars strip_chars: Unicode White_Space, e.g. U+3000).
create or replace macro raw.erasure_hash(record_key) as
    sha256((select any_value(salt) from raw.erasure_salt) || record_key);
create or replace macro raw.strip_key(value) as
    regexp_replace(value, '^[\s\p{Z}\x{0B}\x{85}]+|[\s\p{Z}\x{0B}\x{85}]+$', '', 'g');
