-- Pivot the winning values of golden.provenance into one row per entity. A field whose only
-- candidates are invalid stays null here (provenance still shows the invalid value and why).
-- $scoped limits the rebuild to the entities in `golden_scope` (golden_id): dq erase, incremental runs. The rows go
-- to temp table state_new for dq_project.versioned.replace_state.
create or replace temp table state_new as
with entities as (
    select
        c.golden_id,
        count(*) as record_count,
        string_agg(distinct r.source, ',' order by r.source) as sources,
        max(r.updated_at) as updated_at
    from matching.clusters as c
    join staging.current_customers(cast($as_of_date as date)) as r on r.record_key = c.record_key
    where c.as_of_date = cast($as_of_date as date) and (not $scoped or c.golden_id in (select golden_id from golden_scope))
    group by c.golden_id
),
winners as (
    select
        golden_id,
        any_value(value) filter (where field = 'customer_type') as customer_type,
        any_value(value) filter (where field = 'name') as name,
        any_value(value) filter (where field = 'gender') as gender,
        cast(any_value(value) filter (where field = 'birth_date') as date) as birth_date,
        any_value(value) filter (where field = 'id_number') as id_number,
        any_value(value) filter (where field = 'company_name') as company_name,
        any_value(value) filter (where field = 'credit_code') as credit_code,
        any_value(value) filter (where field = 'mobile') as mobile,
        any_value(value) filter (where field = 'phone') as phone,
        any_value(value) filter (where field = 'email') as email,
        any_value(value) filter (where field = 'province') as province,
        any_value(value) filter (where field = 'city') as city,
        any_value(value) filter (where field = 'district') as district,
        any_value(value) filter (where field = 'address') as address,
        any_value(value) filter (where field = 'owner') as owner
    from golden.provenance
    where as_of_date = cast($as_of_date as date) and rule <> 'invalid_only'
      and (not $scoped or golden_id in (select golden_id from golden_scope))
    group by golden_id
)
select e.golden_id, w.* exclude (golden_id),
       e.record_count, e.sources, e.updated_at
from entities as e
left join winners as w on w.golden_id = e.golden_id;
