-- Steward decisions, append-only, honored by every later run (dq_project.stewardship.decisions).
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
-- The golden IDs a decision named or whose records it named, in their latest clustering when it was
-- made (issue 22: each decision records what it affected). Added later: older tables gain it here.
alter table matching.steward_decisions add column if not exists affected_golden_ids varchar[];
