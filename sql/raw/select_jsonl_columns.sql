-- The union of the object keys of a JSON Lines file, in first-seen order.
select key
from (
    select line, unnest(json_keys(text)) as key, unnest(range(len(json_keys(text)))) as position
    from dq_jsonl_lines
    where kind = 'ok'
)
group by key
order by min([line, position]);
