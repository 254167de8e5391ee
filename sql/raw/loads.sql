-- One row per landed file that was read: the load log. A file whose content hash is already here is
-- not read again.
create table if not exists raw.loads (
    load_id           varchar primary key,
    source            varchar not null,
    file_name         varchar not null,
    file_hash         varchar not null,
    file_bytes        bigint not null,
    snapshot_date     date not null,
    rows_loaded       bigint not null,
    rows_quarantined  bigint not null,
    encoding          varchar,
    missing_columns   varchar[],
    extra_columns     varchar[],
    loaded_at         timestamp not null default current_timestamp
);
-- Rows of records erased on request that the file still held (dropped at load; see raw/erasures).
alter table raw.loads add column if not exists rows_erased bigint default 0;
