-- Survivorship, per entity and field, among the members' non-missing values:
--   1. a valid value (status ok/normalized) beats an invalid one;
--   2. then the more trusted source (sources.trust in the config; `source_trust` is registered);
--   3. then the most recently updated record; 4. then the smallest record key (deterministic).
-- rule says why the value won: consensus (all candidates agree), valid>trust>recency, or
-- invalid_only (no valid candidate; kept so a steward sees it, flagged by the rule name).
delete from golden.provenance where as_of_date = cast($as_of_date as date);
insert into golden.provenance by name
with members as (
    select c.golden_id, r.*, coalesce(t.trust, 0) as trust
    from matching.clusters as c
    join staging.current_customers(cast($as_of_date as date)) as r on r.record_key = c.record_key
    left join source_trust as t on t.source = r.source
    where c.as_of_date = cast($as_of_date as date)
),
candidates as (
    unpivot (
        select
            golden_id, record_key, source, source_record_id, trust, updated_at,
            customer_type, customer_type_status, name, name_status, gender, gender_status,
            cast(birth_date as varchar) as birth_date, birth_date_status,
            id_number, id_number_status, company_name, company_name_status,
            credit_code, credit_code_status, mobile, mobile_status, phone, phone_status,
            email, email_status, province, province_status, city, city_status,
            district, district_status, address, address_status, owner, owner_status
        from members
    )
    on (customer_type, customer_type_status) as customer_type, (name, name_status) as name,
       (gender, gender_status) as gender, (birth_date, birth_date_status) as birth_date,
       (id_number, id_number_status) as id_number, (company_name, company_name_status) as company_name,
       (credit_code, credit_code_status) as credit_code, (mobile, mobile_status) as mobile,
       (phone, phone_status) as phone, (email, email_status) as email,
       (province, province_status) as province, (city, city_status) as city,
       (district, district_status) as district, (address, address_status) as address,
       (owner, owner_status) as owner
    into name field value value, status
),
ranked as (
    select
        *,
        row_number() over (
            partition by golden_id, field
            order by status in ('ok', 'normalized') desc, trust desc, updated_at desc nulls last, record_key
        ) as position,
        count(*) over (partition by golden_id, field) as candidates,
        count(distinct value) over (partition by golden_id, field) as distinct_values
    from candidates
    where value is not null
)
select
    cast($as_of_date as date) as as_of_date,
    golden_id,
    field,
    value,
    source,
    source_record_id,
    case
        when status not in ('ok', 'normalized') then 'invalid_only'
        when distinct_values = 1 then 'consensus'
        else 'valid>trust>recency'
    end as rule,
    candidates
from ranked
where position = 1;
