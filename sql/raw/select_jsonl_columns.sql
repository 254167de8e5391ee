-- The union of the object keys of a JSON Lines file, in first-seen order (keys kept by jsonl_lines).
select key
from (
    select line, unnest(keys) as key, unnest(range(len(keys))) as position
    from dq_jsonl_lines
    where kind = 'ok'
)
group by key
order by min([line, position]);
