-- Read one CSV file with every value as text; unreadable rows go to the connection's temp reject
-- tables (dq_rejects), which quarantine_rejects.sql moves into raw.quarantine.
insert into raw.customer_rows
select
    $load_id,
    $source,
    $file_name,
    row_number() over (),
    cast($snapshot_date as date),
    to_json(t)
from read_csv(
    $path,
    all_varchar = true,
    header = true,
    delim = $delimiter,
    quote = $quote,
    strict_mode = true,
    ignore_errors = true,
    store_rejects = true,
    rejects_table = 'dq_rejects',
    rejects_scan = 'dq_reject_scans'
) as t;
