-- Pairs for a steward, with the reason: uncertain_match (probability in [review, merge)),
-- id_conflict (a merge-band pair cut apart because the two sides hold different valid IDs) or
-- oversized_cluster (the weakest merge-band link of an entity above matching.max_cluster_size).
-- Pairs a steward already decided are left out. Grain: as_of_date, record_key_l, record_key_r, reason.
create table if not exists matching.review_queue (
    as_of_date         date not null,
    customer_type      varchar not null,
    record_key_l       varchar not null,
    record_key_r       varchar not null,
    match_probability  double not null,
    same_entity_now    boolean not null,
    weights            json,
    reason             varchar
);
-- Warehouses created before the reason column existed.
alter table matching.review_queue add column if not exists reason varchar;
