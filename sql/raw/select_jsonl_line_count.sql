-- How many lines jsonl_lines.sql found: none for a non-empty file means it is not valid UTF-8.
select count(*) from dq_jsonl_lines;
