-- The current records as matching reads them (dq_project.matching.features and the ID constraints):
-- the latest version of every record as of the date (as staging.current_customers), only the
-- columns linkage uses; all records ($all_records) or those of `keys_frame` (record_key), whose
-- versions are picked before ranking them (10x faster than filtering the macro's result).
select
    record_key, customer_type, name, gender, gender_status, birth_date, id_number, id_number_status,
    company_name, credit_code, credit_code_status, mobile, mobile_status, phone, phone_status, email,
    email_status, province, city, district, address, id_birth_date, id_gender
from staging.customers
where snapshot_date <= cast($as_of_date as date) and record_key is not null
  and ($all_records or record_key in (select record_key from keys_frame))
qualify row_number() over (
    partition by record_key order by snapshot_date desc, load_id desc, row_number desc
) = 1
order by record_key;
