-- GX's counts per rule per validated partition, and what they were computed on: the fingerprint of
-- the suite, its configuration and the code that runs it, and the row count and checksum (sum of
-- each row's hash over the columns the row-local rules read) of the staged partition. The next date
-- starts from these counts when nothing but some rows changed (dq_project/expectations/incremental.py).
-- Grain: snapshot_date x rule_id.
create table if not exists quality.rule_counts (
    snapshot_date       date not null,
    rule_id             varchar not null,
    fingerprint         varchar not null,
    partition_rows      bigint not null,
    partition_checksum  hugeint not null,
    element_count       bigint not null,
    evaluated           bigint not null,
    failed              bigint not null
);
