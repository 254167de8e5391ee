-- The union of the object keys of a JSON Lines file, in first-seen order (from its key lists).
select key
from (
    select first_line, unnest(keys) as key, unnest(range(len(keys))) as position
    from dq_jsonl_shapes
    where not repeated
)
group by key
order by min([first_line, position]);
