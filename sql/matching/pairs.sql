-- Splink pairwise predictions above the pair floor, with the per-comparison match weights that
-- decided them. Grain: as_of_date, record_key_l, record_key_r.
create table if not exists matching.pairs (
    as_of_date         date not null,
    customer_type      varchar not null,
    record_key_l       varchar not null,
    record_key_r       varchar not null,
    match_probability  double not null,
    match_weight       double not null,
    weights            json,
    band               varchar not null
);
