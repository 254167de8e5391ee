-- Rows a reader prepared as (dq_row_number, dq_record JSON text) in the registered frame dq_frame_rows.
insert into raw.customer_rows
select
    $load_id,
    $source,
    $file_name,
    dq_row_number,
    cast($snapshot_date as date),
    cast(dq_record as json)
from dq_frame_rows;
