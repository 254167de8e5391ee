-- One row per snapshot_date x scope x dimension: the measure and how it was computed.
create table if not exists quality.kpi_history (
    snapshot_date  date not null,
    run_id         varchar not null,
    scope          varchar not null,
    dimension      varchar not null,
    numerator      double not null,
    denominator    double not null,
    measure        double,
    computed_at    timestamp not null default current_timestamp
);
