-- The lines of one UTF-8 JSON Lines file, numbered as in the original file ($shifts maps the line
-- numbers of a transcoded copy back, see quarantine_rejects.sql), each classified:
-- blank (skipped), broken (not JSON), not_object, duplicate_keys, or ok.
create or replace temp table dq_jsonl_lines as
with split as (
    select u.line_no, rtrim(ltrim(u.text, chr(65279)), chr(13)) as text
    from (select string_split(content, chr(10)) as lines from read_text($path)),
        unnest(lines) with ordinality as u(text, line_no)
)
select
    line_no + len(list_filter(cast($shifts as bigint[]), lambda s: s < line_no)) as line,
    text,
    case
        when trim(text) = '' then 'blank'
        when not json_valid(text) then 'broken'
        when json_type(text) <> 'OBJECT' then 'not_object'
        when len(json_keys(text)) <> len(list_distinct(json_keys(text))) then 'duplicate_keys'
        else 'ok'
    end as kind,
    case when json_valid(text) then json_type(text) end as json_kind
from split;
