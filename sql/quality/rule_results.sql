-- One row per rule per validated partition: how many records it evaluated and how many failed.
create table if not exists quality.rule_results (
    snapshot_date   date not null,
    run_id          varchar not null,
    rule_id         varchar not null,
    dimension       varchar not null,
    severity        varchar not null,
    fields          varchar not null,
    threshold       double not null,
    evaluated       bigint not null,
    failed          bigint not null,
    failed_ratio    double not null,
    passed          boolean not null,
    description_en  varchar,
    description_zh  varchar,
    evaluated_at    timestamp not null default current_timestamp
);
