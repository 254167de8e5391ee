-- Versions of matching.pairs rows: a scored pair from valid_from until valid_to (exclusive; null =
-- still valid). A pair of unchanged records keeps one row across runs.
create table if not exists matching.pair_versions (
    customer_type      varchar not null,
    record_key_l       varchar not null,
    record_key_r       varchar not null,
    match_probability  double not null,
    match_weight       double not null,
    weights            json,
    band               varchar not null,
    valid_from         date not null,
    valid_to           date
);
