-- The current records as matching reads them (dq_project.matching.features and the ID constraints):
-- the latest version of every record as of the date, only the columns linkage uses; all records
-- ($all_records) or those of `keys_frame` (record_key).
select
    record_key, customer_type, name, gender, gender_status, birth_date, id_number, id_number_status,
    company_name, credit_code, credit_code_status, mobile, mobile_status, phone, phone_status, email,
    email_status, province, city, district, address, id_birth_date, id_gender
from staging.current_customers(cast($as_of_date as date))
where $all_records or record_key in (select record_key from keys_frame)
order by record_key;
