drop table if exists dq_jsonl_lines;
