-- The lines of one UTF-8 JSON Lines file, numbered as in the original file ($shifts maps the line
-- numbers of a transcoded copy back, see quarantine_rejects.sql), each classified:
-- blank (skipped), broken (not JSON), not_object, duplicate_keys, or ok. Each line is parsed three
-- times at most (valid? which type? which keys?), and its keys are kept for the row build and the
-- column list (they were parsed six times here, then again per key and for the column list).
create or replace temp table dq_jsonl_lines as
with split as (  -- unnest + generate_subscripts in one select list: 4x faster than WITH ORDINALITY
    select generate_subscripts(lines, 1) as line_no, unnest(lines) as text
    from (select string_split(content, chr(10)) as lines from read_text($path))
), trimmed as (
    select line_no, rtrim(ltrim(text, chr(65279)), chr(13)) as text from split
), parsed as (
    select line_no, text, trim(text) = '' as blank,
           case when json_valid(text) then json_type(text) end as json_kind
    from trimmed
), keyed as (
    select *, case when json_kind = 'OBJECT' then json_keys(text) end as keys
    from parsed
)
select
    line_no + len(list_filter(cast($shifts as bigint[]), lambda s: s < line_no)) as line,
    text,
    case
        when blank then 'blank'
        when json_kind is null then 'broken'
        when json_kind <> 'OBJECT' then 'not_object'
        when len(keys) <> len(list_distinct(keys)) then 'duplicate_keys'
        else 'ok'
    end as kind,
    json_kind,
    keys
from keyed;
