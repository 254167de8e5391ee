-- The JSON Lines lines that are neither rows nor blank, for quarantine: broken (not JSON),
-- not_object, duplicate_keys. Blank (whitespace only) is checked here, on non-JSON lines only.
select line, kind, json_kind, text
from (
    select
        line,
        case
            when json_kind is null then 'broken'
            when json_kind <> 'OBJECT' then 'not_object'
            else 'duplicate_keys'
        end as kind,
        json_kind,
        text
    from dq_jsonl_lines
    where json_kind is null and trim(text) <> ''
       or json_kind <> 'OBJECT'
       or keys in (select keys from dq_jsonl_shapes where repeated)
)
order by line;
