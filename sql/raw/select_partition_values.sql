-- A date's raw rows of one source for staging, read by column: the values at $paths (JSON pointers
-- of the keys staging maps), every record parsed once, as a list in $paths order. Byte-order marks
-- are removed here: raw keeps the bytes as received, staging never sees U+FEFF (a BOM in the middle
-- of a file once stayed in a record key). Unordered: the caller sorts the frame by load and row.
-- raw_hash: the hash of the record as stored (incremental staging compares it between dates).
select load_id, row_number, hash(record) as raw_hash,
       list_transform(json_extract_string(record, $paths), v -> replace(v, chr(65279), '')) as "values"
from raw.customer_rows
where snapshot_date = cast($snapshot_date as date) and source = $source;
