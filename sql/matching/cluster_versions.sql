-- Versions of matching.clusters rows: a record's entity from valid_from until valid_to (exclusive;
-- null = still valid). A record whose entity does not change between runs keeps one row.
create table if not exists matching.cluster_versions (
    record_key        varchar not null,
    customer_type     varchar not null,
    cluster_key       varchar not null,
    golden_id         varchar not null,
    cluster_size      bigint not null,
    valid_from        date not null,
    valid_to          date
);
