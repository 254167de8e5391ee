-- The members of the entities a golden build covers, once for build_provenance and build_customers:
-- golden_id and the record's current version (as staging.current_customers) as of the date. With
-- $scoped only the entities in `golden_scope`, whose records' versions are picked before ranking.
create or replace temp table golden_members as
with scope_records as (
    select record_key, golden_id
    from matching.clusters
    where as_of_date = cast($as_of_date as date)
      and (not $scoped or golden_id in (select golden_id from golden_scope))
),
versions as (
    select *
    from staging.customers
    where snapshot_date <= cast($as_of_date as date) and record_key is not null
      and (not $scoped or record_key in (select record_key from scope_records))
    qualify row_number() over (
        partition by record_key order by snapshot_date desc, load_id desc, row_number desc
    ) = 1
)
select m.golden_id, r.*
from scope_records as m
join versions as r on r.record_key = m.record_key;
