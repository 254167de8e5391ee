-- Every JSON object line without a repeated key as one raw row: each value as text (strings
-- unquoted, numbers and booleans as JSON text, nested values as JSON text, null as null), one parse
-- per line: json_transform to a MAP(VARCHAR, VARCHAR) gives exactly what `text ->> '/key'` gave per
-- key (lines with a repeated key never get here: a map refuses them).
insert into raw.customer_rows
select
    $load_id,
    $source,
    $file_name,
    line,
    cast($snapshot_date as date),
    to_json(json_transform(text, '"MAP(VARCHAR, VARCHAR)"'))
from dq_jsonl_lines
where json_kind = 'OBJECT'
  and keys not in (select keys from dq_jsonl_shapes where repeated);
