-- One row per linked as_of_date: full or incremental, and the fingerprint of the models and code
-- that scored its pairs (an incremental run reuses pairs only under the same fingerprint).
-- Grain: as_of_date.
create table if not exists matching.runs (
    as_of_date        date not null,
    mode              varchar not null,
    reason            varchar not null,
    fingerprint       varchar not null,
    previous_date     date,
    records           bigint not null,
    changed_records   bigint,
    pairs             bigint not null,
    seconds           double not null
);
