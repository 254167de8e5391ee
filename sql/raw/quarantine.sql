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
