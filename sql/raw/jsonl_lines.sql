-- The lines of one JSON Lines file, numbered as in the original file ($shifts maps the line numbers
-- of a transcoded copy back, see quarantine_rejects.sql), with each line's JSON type (null: not
-- JSON, or blank) and, for an object, its keys. The file is read as a blob and decoded here:
-- invalid UTF-8 gives no lines at all (try), and the reader then falls back to a transcoded copy
-- (readers/jsonl.py), so a clean UTF-8 file is never decoded in Python.
-- Two parses per line (type, keys); the row build is the third (insert_jsonl_rows.sql). Costs that
-- mattered at 1M lines: trim() over every line (only non-JSON lines are checked for blank, in
-- select_jsonl_bad_lines.sql), ltrim/rtrim on every line (only lines with a BOM or a CR are trimmed),
-- json_valid + json_type (one try(json_type)), list_distinct over every line's keys (once per
-- distinct key list: jsonl_shapes.sql).
create or replace temp table dq_jsonl_lines as
with split as (  -- unnest + generate_subscripts in one select list: 4x faster than WITH ORDINALITY
    select generate_subscripts(lines, 1) as line_no, unnest(lines) as text
    from (select string_split(try(decode(content)), chr(10)) as lines from read_blob($path))
), trimmed as (
    select
        line_no,
        case
            when starts_with(text, chr(65279)) or ends_with(text, chr(13))
                then rtrim(ltrim(text, chr(65279)), chr(13))
            else text
        end as text
    from split
), typed as (
    select line_no, text, try(json_type(text)) as json_kind from trimmed
)
select
    line_no + len(list_filter(cast($shifts as bigint[]), lambda s: s < line_no)) as line,
    text,
    json_kind,
    case when json_kind = 'OBJECT' then json_keys(text) end as keys
from typed;
