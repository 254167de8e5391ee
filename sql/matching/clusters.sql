-- Record -> entity. golden_id is stable across runs (see matching/build_clusters and
-- matching/golden_id_changes). Grain: as_of_date, record_key.
create table if not exists matching.clusters (
    as_of_date        date not null,
    record_key        varchar not null,
    customer_type     varchar not null,
    cluster_key       varchar not null,
    golden_id         varchar not null,
    cluster_size      bigint not null
);
