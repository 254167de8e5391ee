-- Steward decisions, append-only, honored by every later run (dq_project.stewardship).
-- action: merge / keep_apart (record_key_l, record_key_r), unmerge (one row per record of the
-- golden record split, sharing decision_id and golden_id), override_field (golden_id, field, value).
create table if not exists matching.steward_decisions (
    decision_id   varchar not null,
    decided_at    timestamp not null,
    decided_by    varchar not null,
    action        varchar not null,
    record_key_l  varchar,
    record_key_r  varchar,
    golden_id     varchar,
    field         varchar,
    value         varchar,
    reason        varchar
);
