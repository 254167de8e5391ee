-- Uncertain pairs for a steward: probability in [review_threshold, merge_threshold).
create table if not exists matching.review_queue (
    as_of_date         date not null,
    customer_type      varchar not null,
    record_key_l       varchar not null,
    record_key_r       varchar not null,
    match_probability  double not null,
    same_entity_now    boolean not null,
    weights            json
);
