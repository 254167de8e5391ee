select load_id, file_name, row_number, record
from raw.customer_rows
where snapshot_date = cast($snapshot_date as date) and source = $source
order by load_id, row_number;
