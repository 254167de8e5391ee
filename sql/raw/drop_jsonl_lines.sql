drop table if exists dq_jsonl_lines;
drop table if exists dq_jsonl_shapes;
