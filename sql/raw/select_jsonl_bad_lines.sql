-- The JSON Lines lines that are neither rows nor blank, for quarantine.
select line, kind, json_kind, text
from dq_jsonl_lines
where kind not in ('ok', 'blank')
order by line;
