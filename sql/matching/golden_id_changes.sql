-- Golden ID lineage: how the entities of an as_of_date relate to those of the previous as_of_date.
-- change: new (no record seen before), split (a part of an earlier entity, new ID; related = the
-- entity it came from), merge (this entity absorbed related, records = records it brought),
-- retire (this ID ended; related = the entity it was merged into), members (the ID kept, but records
-- moved in or out other than by a merge or split of it: records = how many). Grain: as_of_date,
-- golden_id, change, related_golden_id. cause: steward_decision (a decision first applied on the
-- date names a record or ID involved), model_change (the run retrained or changed its models), or
-- new_data.
create table if not exists matching.golden_id_changes (
    as_of_date         date not null,
    golden_id          varchar not null,
    change             varchar not null,
    related_golden_id  varchar,
    records            bigint not null
);
alter table matching.golden_id_changes add column if not exists cause varchar;
