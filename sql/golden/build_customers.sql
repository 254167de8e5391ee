-- Pivot the winning values of the new golden.provenance rows (temp table state_new of
-- sql/golden/build_provenance.sql) into one row per entity of golden_members. A field whose only
-- candidates are invalid stays null here (provenance still shows the invalid value and why).
-- The rows go to temp table customers_new; sql/golden/take_customers.sql makes them the
-- state_new of dq_project.versioned.replace_state once the provenance is stored.
create or replace temp table customers_new as
with entities as (
    select
        golden_id,
        count(*) as record_count,
        array_to_string(list_sort(list_distinct(list(source))), ',') as sources,  -- source is never null
        max(updated_at) as updated_at
    from golden_members
    group by golden_id
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
    from state_new
    where rule <> 'invalid_only'
    group by golden_id
)
select e.golden_id, w.* exclude (golden_id),
       e.record_count, e.sources, e.updated_at
from entities as e
left join winners as w on w.golden_id = e.golden_id;
-- The members are not needed any more: free their memory before the provenance is stored.
drop table golden_members;
