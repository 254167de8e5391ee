-- One row per snapshot_date x scope x metric. scope: 'overall', 'source:<name>', 'owner:<name>'.
-- kind 'dimension' (DAMA dimension, share of records without a failure of that dimension's rules),
-- 'score' (weighted quality score), 'rate' or 'count' (operational metrics, overall only).
create table if not exists quality.kpi_history (
    snapshot_date  date not null,
    run_id         varchar not null,
    scope          varchar not null,
    kind           varchar not null,
    dimension      varchar not null,
    numerator      double not null,
    denominator    double not null,
    measure        double,
    computed_at    timestamp not null default current_timestamp
);
