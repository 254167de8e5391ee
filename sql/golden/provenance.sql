-- Per golden field: which source record's value won, and by which rule.
create table if not exists golden.provenance (
    as_of_date        date not null,
    golden_id         varchar not null,
    field             varchar not null,
    value             varchar,
    source            varchar not null,
    source_record_id  varchar not null,
    rule              varchar not null,
    candidates        bigint not null
);
