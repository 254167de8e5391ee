-- Versions of golden.provenance rows (valid_from until valid_to, exclusive; null = still valid).
create table if not exists golden.provenance_versions (
    golden_id         varchar not null,
    field             varchar not null,
    value             varchar,
    source            varchar not null,
    source_record_id  varchar not null,
    rule              varchar not null,
    candidates        bigint not null,
    valid_from        date not null,
    valid_to          date
);
