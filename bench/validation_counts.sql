-- bench validation: the failed count of every rule of dq's suite, as one DuckDB query over `staged`
-- (the frame run_rules sees, with name_key/company_key) and `division_pairs`. The reference the GX
-- step is timed against; not used by the pipeline.
with t as (select *, country = 'CN' as cn from staged),
id_names as (
    select id_number, name_key,
           array_to_string(list_sort(string_split(name_key, '')), '') as letters
    from t where customer_type = 'person' and cn and name_key is not null and id_number is not null
),
id_short as (
    select id_number, arg_min(name_key, length(name_key)) as shortest from id_names group by id_number
),
id_bad as (
    select n.id_number from id_names n join id_short s using (id_number)
    group by n.id_number
    having count(distinct n.letters) > 1 and not bool_and(contains(n.name_key, s.shortest))
),
code_names as (
    select credit_code, company_key,
           array_to_string(list_sort(string_split(company_key, '')), '') as letters
    from t where customer_type = 'company' and cn and company_key is not null and credit_code is not null
),
code_short as (
    select credit_code, arg_min(company_key, length(company_key)) as shortest from code_names group by credit_code
),
code_bad as (
    select n.credit_code from code_names n join code_short s using (credit_code)
    group by n.credit_code
    having count(distinct n.letters) > 1 and not bool_and(contains(n.company_key, s.shortest))
),
keys as (
    select source, source_record_id from t where source_record_id is not null
    group by all having count(*) > 1
)
select
    count(*) filter (where source_record_id is null) as source_record_id_present,
    (select coalesce(sum(n), 0) from (select count(*) as n from t join keys using (source, source_record_id))) as record_key_unique,
    count(*) filter (where customer_type is null) as customer_type_present,
    count(*) filter (where customer_type = 'person' and name is null) as person_name_present,
    count(*) filter (where customer_type = 'company' and company_name is null) as company_name_present,
    count(*) filter (where cn and mobile is null) as mobile_present,
    count(*) filter (where cn and province is null) as province_present,
    count(*) filter (where cn and city is null) as city_present,
    count(*) filter (where mobile is null and phone is null and email is null) as contact_channel_present,
    count(*) filter (where customer_type not in ('person', 'company')) as customer_type_is_allowed,
    count(*) filter (where gender not in ('M', 'F')) as gender_is_allowed,
    count(*) filter (where mobile_status = 'invalid') as mobile_is_valid_e164,
    count(*) filter (where cn and (regexp_matches(regexp_replace(mobile, '^\+86', ''), $dummy)
        or regexp_matches(mobile_reason, '^placeholder:\+?[0-9][0-9 ()+-]{6,}$'))) as mobile_is_not_dummy,
    count(*) filter (where phone_status = 'invalid') as phone_is_valid_e164,
    count(*) filter (where email_status = 'invalid') as email_is_valid,
    count(*) filter (where cn and id_number_status = 'invalid') as id_number_checksum_valid,
    count(*) filter (where cn and not id_region_known) as id_number_region_known,
    count(*) filter (where cn and credit_code_status = 'invalid') as credit_code_checksum_valid,
    count(*) filter (where birth_date_status = 'invalid') as birth_date_is_valid,
    count(*) filter (where birth_date < $earliest_birth or birth_date > $snapshot_date) as birth_date_in_range,
    count(*) filter (where regexp_matches(name, $dirty)) as name_is_clean,
    count(*) filter (where name_reason like 'placeholder:%') as name_is_placeholder_free,
    count(*) filter (where company_name_reason like 'placeholder:%') as company_name_is_placeholder_free,
    count(*) filter (where address_reason like 'placeholder:%') as address_is_placeholder_free,
    count(*) filter (where owner_reason like 'placeholder:%' or lower(trim(owner)) in ('待分配', '未分配'))
        as owner_is_placeholder_free,
    count(*) filter (where cn and province is not null and city is not null
        and province || chr(31) || city not in (select pair from division_pairs)) as city_in_province,
    count(*) filter (where cn and city is not null and district is not null
        and city || chr(31) || district not in (select pair from division_pairs)) as district_in_city,
    count(*) filter (where created_at > $snapshot_end) as created_at_not_in_future,
    count(*) filter (where updated_at > $snapshot_end) as updated_at_not_in_future,
    count(*) filter (where updated_at < created_at) as updated_after_created,
    count(*) filter (where created_at <= birth_date) as birth_before_created,
    count(*) filter (where birth_date <> id_birth_date) as birth_date_matches_id,
    count(*) filter (where gender <> id_gender) as gender_matches_id,
    count(*) filter (where customer_type = 'person' and cn and name_key is not null
        and id_number in (select id_number from id_bad)) as id_number_one_name,
    count(*) filter (where customer_type = 'company' and cn and company_key is not null
        and credit_code in (select credit_code from code_bad)) as credit_code_one_name,
    count(*) filter (where updated_at < $stale_before) as record_recently_updated
from t
