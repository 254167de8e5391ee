-- Every JSON object line as one raw row: each value as text (strings unquoted, numbers and booleans as
-- JSON text, nested values as JSON text, null as null). Keys are addressed as JSON pointers.
insert into raw.customer_rows
select
    $load_id,
    $source,
    $file_name,
    line,
    cast($snapshot_date as date),
    to_json(map_from_entries(list_transform(
        json_keys(text),
        lambda k: {'k': k, 'v': text ->> ('/' || replace(replace(k, '~', '~0'), '/', '~1'))}
    )))
from dq_jsonl_lines
where kind = 'ok';
