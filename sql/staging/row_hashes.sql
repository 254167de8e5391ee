-- What each staged row was staged from: the hash of its raw record and the fingerprint of how it was
-- staged (staging code version + the source's settings). A record whose raw row hash and
-- fingerprint are unchanged since the previous staged date keeps its staged row (copied forward)
-- instead of being normalized again (dq_project/normalize/incremental.py). Kept apart from
-- staging.customers so that nothing comparing staged values (matching's changed records) sees it.
-- Grain: one row per staged row with a record key; partition: snapshot_date.
create table if not exists staging.row_hashes (
    snapshot_date  date not null,
    source         varchar not null,
    record_key     varchar not null,
    raw_hash       ubigint not null,
    fingerprint    varchar not null
);
