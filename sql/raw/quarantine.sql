-- Rows that could not be read, with the reason and the raw text. Append-only.
create table if not exists raw.quarantine (
    load_id        varchar not null,
    source         varchar not null,
    file_name      varchar not null,
    line           bigint,
    snapshot_date  date not null,
    reason         varchar not null,
    raw_text       varchar
);
-- The exact bytes of a quarantined line that is not valid text in the source's encoding (raw_text
-- then shows them with \xNN escapes): a GBK line in a UTF-8 source is kept, never turned into '???'.
alter table raw.quarantine add column if not exists raw_bytes blob;
