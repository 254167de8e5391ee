-- A date's raw rows of one source for staging. A byte-order mark anywhere in the record (in a
-- value, a key, a column name) is removed here: raw keeps the bytes as received, staging never sees
-- U+FEFF (a BOM in the middle of a file once stayed in a record key). The readers' JSON (DuckDB's
-- to_json, Polars' json_encode) holds the character itself, never its \u escape.
select load_id, file_name, row_number, cast(replace(cast(record as varchar), chr(65279), '') as json) as record
from raw.customer_rows
where snapshot_date = cast($snapshot_date as date) and source = $source
order by load_id, row_number;
