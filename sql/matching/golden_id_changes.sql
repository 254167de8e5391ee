-- Golden ID lineage: how the entities of an as_of_date relate to those of the previous as_of_date.
-- change: new (no record seen before), split (a part of an earlier entity, new ID; related = the
-- entity it came from), merge (this entity absorbed related, records = records it brought),
-- retire (this ID ended; related = the entity it was merged into). Grain: as_of_date, golden_id,
-- change, related_golden_id.
create table if not exists matching.golden_id_changes (
    as_of_date         date not null,
    golden_id          varchar not null,
    change             varchar not null,
    related_golden_id  varchar,
    records            bigint not null
);
