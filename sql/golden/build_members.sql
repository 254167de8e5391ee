-- The members of the entities a golden build computes (temp table golden_members, read by
-- build_provenance and build_customers): the current version (staging.current_customers) of every
-- record the date's clusters hold, narrowed to the columns survivorship needs. Only the version
-- keys are ranked, then the winning rows are read back: ranking all ~60 columns ran out of memory.
-- completeness = the record's fields with a value and a valid status; all_valid = no field has a
-- value with an invalid status (a status outside ok / normalized; no status is not invalid);
-- member_count = the entity's records. A tie of version keys (same snapshot, load and row number)
-- goes to the last row stored.
-- $scoped limits it to the entities in `golden_scope` (golden_id).
create or replace temp table golden_members as
with records as (
    select golden_id, record_key
    from matching.clusters
    where as_of_date = cast($as_of_date as date)
      and (not $scoped or golden_id in (select golden_id from golden_scope))
),
versions as (
    -- the latest version of each record (of the scope's records when $scoped), ranked on the
    -- version keys alone: at 1M records 2.0 -> 1.6 s against ranking after the join with records
    select rowid as version_row, record_key
    from staging.customers
    where snapshot_date <= cast($as_of_date as date)
      and (not $scoped or record_key in (select record_key from records))
    qualify row_number() over (
        partition by record_key order by snapshot_date desc, load_id desc, row_number desc, rowid desc
    ) = 1
),
latest as (
    select c.golden_id, c.record_key, v.version_row, count(*) over (partition by c.golden_id) as member_count
    from records as c
    join versions as v on v.record_key = c.record_key
)
select
    l.golden_id, l.member_count, r.record_key, r.source, r.source_record_id,
    coalesce(t.trust, 0) as trust, r.updated_at,
    r.customer_type, r.customer_type_status, r.name, r.name_status, r.gender, r.gender_status,
    cast(r.birth_date as varchar) as birth_date, r.birth_date_status,
    r.id_number, r.id_number_status, r.company_name, r.company_name_status,
    r.credit_code, r.credit_code_status, r.mobile, r.mobile_status, r.phone, r.phone_status,
    r.email, r.email_status, r.province, r.province_status, r.city, r.city_status,
    r.district, r.district_status, r.address, r.address_status, r.owner, r.owner_status,
    r.given_name, r.given_name_status, r.family_name, r.family_name_status, r.postcode, r.postcode_status, r.identifier, r.identifier_status,
    ((r.customer_type is not null and r.customer_type_status in ('ok', 'normalized')) is true)::int
    + ((r.name is not null and r.name_status in ('ok', 'normalized')) is true)::int
    + ((r.gender is not null and r.gender_status in ('ok', 'normalized')) is true)::int
    + ((r.birth_date is not null and r.birth_date_status in ('ok', 'normalized')) is true)::int
    + ((r.id_number is not null and r.id_number_status in ('ok', 'normalized')) is true)::int
    + ((r.company_name is not null and r.company_name_status in ('ok', 'normalized')) is true)::int
    + ((r.credit_code is not null and r.credit_code_status in ('ok', 'normalized')) is true)::int
    + ((r.mobile is not null and r.mobile_status in ('ok', 'normalized')) is true)::int
    + ((r.phone is not null and r.phone_status in ('ok', 'normalized')) is true)::int
    + ((r.email is not null and r.email_status in ('ok', 'normalized')) is true)::int
    + ((r.province is not null and r.province_status in ('ok', 'normalized')) is true)::int
    + ((r.city is not null and r.city_status in ('ok', 'normalized')) is true)::int
    + ((r.district is not null and r.district_status in ('ok', 'normalized')) is true)::int
    + ((r.address is not null and r.address_status in ('ok', 'normalized')) is true)::int
    + ((r.owner is not null and r.owner_status in ('ok', 'normalized')) is true)::int
    + ((r.given_name is not null and r.given_name_status in ('ok', 'normalized')) is true)::int
    + ((r.family_name is not null and r.family_name_status in ('ok', 'normalized')) is true)::int
    + ((r.postcode is not null and r.postcode_status in ('ok', 'normalized')) is true)::int
    + ((r.identifier is not null and r.identifier_status in ('ok', 'normalized')) is true)::int as completeness,
    (r.customer_type is null or r.customer_type_status is null or r.customer_type_status in ('ok', 'normalized'))
    and (r.name is null or r.name_status is null or r.name_status in ('ok', 'normalized'))
    and (r.gender is null or r.gender_status is null or r.gender_status in ('ok', 'normalized'))
    and (r.birth_date is null or r.birth_date_status is null or r.birth_date_status in ('ok', 'normalized'))
    and (r.id_number is null or r.id_number_status is null or r.id_number_status in ('ok', 'normalized'))
    and (r.company_name is null or r.company_name_status is null or r.company_name_status in ('ok', 'normalized'))
    and (r.credit_code is null or r.credit_code_status is null or r.credit_code_status in ('ok', 'normalized'))
    and (r.mobile is null or r.mobile_status is null or r.mobile_status in ('ok', 'normalized'))
    and (r.phone is null or r.phone_status is null or r.phone_status in ('ok', 'normalized'))
    and (r.email is null or r.email_status is null or r.email_status in ('ok', 'normalized'))
    and (r.province is null or r.province_status is null or r.province_status in ('ok', 'normalized'))
    and (r.city is null or r.city_status is null or r.city_status in ('ok', 'normalized'))
    and (r.district is null or r.district_status is null or r.district_status in ('ok', 'normalized'))
    and (r.address is null or r.address_status is null or r.address_status in ('ok', 'normalized'))
    and (r.owner is null or r.owner_status is null or r.owner_status in ('ok', 'normalized'))
    and (r.given_name is null or r.given_name_status is null or r.given_name_status in ('ok', 'normalized'))
    and (r.family_name is null or r.family_name_status is null or r.family_name_status in ('ok', 'normalized'))
    and (r.postcode is null or r.postcode_status is null or r.postcode_status in ('ok', 'normalized'))
    and (r.identifier is null or r.identifier_status is null or r.identifier_status in ('ok', 'normalized')) as all_valid,
    r.attributes  -- survivorship of attributes: sql/golden/build_attributes.sql
from latest as l
join staging.customers as r on r.rowid = l.version_row
left join source_trust as t on t.source = r.source;
