-- Pivot the winning values of the new golden.provenance rows (temp table state_new of
-- sql/golden/build_provenance.sql) into one row per entity of golden_members. A field whose only
-- candidates are invalid stays null here (provenance still shows the invalid value and why).
-- An entity of one record without a steward override ($single_fast_path) is its record's values
-- with the invalid ones nulled, what the pivot gives, without pivoting its provenance rows (three
-- quarters of the entities at 1M generated records). When all its values are valid, its provenance
-- is implicit (not stored, see build_provenance.sql): implicit_record_id names the record for the
-- golden.provenance view; any other golden record has none.
-- The rows go to temp table customers_new; sql/golden/take_customers.sql makes them the
-- state_new of dq_project.warehouse.versioned.replace_state once the provenance is stored.
create or replace temp table customers_new as
with ranked_entities as (
    select
        golden_id,
        count(*) as record_count,
        array_to_string(list_sort(list_distinct(list(source))), ',') as sources,  -- source is never null
        max(updated_at) as updated_at
    from golden_members
    where member_count > 1 or not $single_fast_path
       or golden_id in (select golden_id from golden_overrides)
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
        any_value(value) filter (where field = 'owner') as owner,
        any_value(value) filter (where field = 'given_name') as given_name,
        any_value(value) filter (where field = 'family_name') as family_name,
        any_value(value) filter (where field = 'postcode') as postcode,
        any_value(value) filter (where field = 'identifier') as identifier
    from state_new
    where rule <> 'invalid_only' and golden_id in (select golden_id from ranked_entities)
    group by golden_id
)
select
    e.golden_id, w.* exclude (golden_id), e.record_count, e.sources, e.updated_at,
    cast(null as varchar) as implicit_record_id
from ranked_entities as e
left join winners as w on w.golden_id = e.golden_id
union all
-- (a status outside ok / normalized is invalid; no status is not: as build_provenance.sql rules)
select
    golden_id,
    case when customer_type_status not in ('ok', 'normalized') then null else customer_type end,
    case when name_status not in ('ok', 'normalized') then null else name end,
    case when gender_status not in ('ok', 'normalized') then null else gender end,
    cast(case when birth_date_status not in ('ok', 'normalized') then null else birth_date end as date),
    case when id_number_status not in ('ok', 'normalized') then null else id_number end,
    case when company_name_status not in ('ok', 'normalized') then null else company_name end,
    case when credit_code_status not in ('ok', 'normalized') then null else credit_code end,
    case when mobile_status not in ('ok', 'normalized') then null else mobile end,
    case when phone_status not in ('ok', 'normalized') then null else phone end,
    case when email_status not in ('ok', 'normalized') then null else email end,
    case when province_status not in ('ok', 'normalized') then null else province end,
    case when city_status not in ('ok', 'normalized') then null else city end,
    case when district_status not in ('ok', 'normalized') then null else district end,
    case when address_status not in ('ok', 'normalized') then null else address end,
    case when owner_status not in ('ok', 'normalized') then null else owner end,
    case when given_name_status not in ('ok', 'normalized') then null else given_name end,
    case when family_name_status not in ('ok', 'normalized') then null else family_name end,
    case when postcode_status not in ('ok', 'normalized') then null else postcode end,
    case when identifier_status not in ('ok', 'normalized') then null else identifier end,
    cast(1 as bigint), source, updated_at,
    case when all_valid then source_record_id end
from golden_members
where member_count = 1 and $single_fast_path
  and golden_id not in (select golden_id from golden_overrides);
-- The members and overrides are not needed any more: free their memory before the provenance is
-- stored.
drop table golden_members;
drop table golden_overrides;
