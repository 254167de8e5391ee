-- The current records of `keys_frame` (record_key) as the ID constraints of clustering read them
-- (dq_project.matching.constraints.id_labels): the latest version as of the date, as
-- staging/select_matching_records picks it, with only the type and the ID columns (an incremental
-- run reads them for every record it re-clusters: 6 columns scan faster than the 23 linkage uses).
select record_key, customer_type, id_number, id_number_status, credit_code, credit_code_status
from staging.customers
where snapshot_date <= cast($as_of_date as date) and record_key is not null
  and record_key in (select record_key from keys_frame)
qualify row_number() over (
    partition by record_key order by snapshot_date desc, load_id desc, row_number desc
) = 1
order by record_key;
