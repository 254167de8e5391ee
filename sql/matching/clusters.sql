-- Record -> entity. golden_id is derived from the entity's smallest record key, so it stays put
-- while that record stays in the entity. Grain: as_of_date, record_key.
create table if not exists matching.clusters (
    as_of_date        date not null,
    record_key        varchar not null,
    customer_type     varchar not null,
    cluster_key       varchar not null,
    golden_id         varchar not null,
    cluster_size      bigint not null
);
