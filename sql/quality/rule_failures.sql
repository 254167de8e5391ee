-- One row per failing record x rule, values masked. Grain: snapshot_date, rule_id, record_key.
create table if not exists quality.rule_failures (
    snapshot_date     date not null,
    run_id            varchar not null,
    rule_id           varchar not null,
    severity          varchar not null,
    source            varchar,
    source_record_id  varchar,
    record_key        varchar,
    field             varchar,
    value_masked      varchar,
    reason            varchar
);
