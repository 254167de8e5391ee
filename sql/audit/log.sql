-- Append-only operation log: every run, load, steward decision, model retrain and export, with who,
-- what, when and counts. Nothing in dq updates or deletes these rows.
create table if not exists audit.log (
    event_id     varchar primary key,
    logged_at    timestamp not null,
    actor        varchar not null,
    action       varchar not null,
    target       varchar,
    snapshot_date date,
    details      json
);
