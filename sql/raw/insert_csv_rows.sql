-- Read one CSV file with every value as text; unreadable rows go to the connection's temp reject
-- tables (dq_rejects), which quarantine_rejects.sql moves into raw.quarantine. The dialect and the
-- column names are given, not sniffed; $skip lines above the header (a title row) are not read: the sniffer gives up on a file with an unclosed quote, where
-- the reader itself rejects just the record that holds it.
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
    skip = $skip,
    delim = $delimiter,
    quote = $quote,
    escape = $quote,
    auto_detect = false,
    columns = $columns,
    strict_mode = true,
    ignore_errors = true,
    store_rejects = true,
    rejects_table = 'dq_rejects',
    rejects_scan = 'dq_reject_scans'
) as t;
