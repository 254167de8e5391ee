-- Versions of matching.clusters rows: a record's entity from valid_from until valid_to (exclusive;
-- null = still valid). A record whose entity does not change between runs keeps one row.
-- component_key: the smallest record key of the record's connected component over the date's
-- merge-band pairs (Splink's clusters, before the ID and steward constraints cut or join them);
-- an incremental run re-clusters whole components of the previous date by it
-- (sql/matching/select_affected_records.sql).
create table if not exists matching.cluster_versions (
    record_key        varchar not null,
    customer_type     varchar not null,
    cluster_key       varchar not null,
    golden_id         varchar not null,
    cluster_size      bigint not null,
    valid_from        date not null,
    valid_to          date,
    component_key     varchar
);
-- Versions written before component_key existed (null there: the next run is a full one, see
-- dq_project.matching.snapshot.plan_run).
alter table matching.cluster_versions add column if not exists component_key varchar;
