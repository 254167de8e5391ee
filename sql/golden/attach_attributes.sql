-- The winning attribute values (temp table golden_attributes, sql/golden/build_attributes.sql) as
-- one JSON object per golden record (keys sorted) in customers_new; null when none.
alter table customers_new add column attributes json;
update customers_new as c
set attributes = a.attributes
from (
    select
        golden_id,
        to_json(map_from_entries(list({'k': substr(field, 12), 'v': value} order by field))) as attributes
    from golden_attributes
    group by golden_id
) as a
where a.golden_id = c.golden_id;
drop table golden_attributes;
