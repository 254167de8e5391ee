-- One load's raw records, shaped like raw/select_partition_rows (for checking JSON paths).
select load_id, file_name, row_number, record
from raw.customer_rows
where load_id = $load_id and (record ->> cast($pointer as varchar)) is not null;
