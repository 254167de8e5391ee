-- The whole text (and, when it is not UTF-8, the bytes) of rejected lines DuckDB cut or could not
-- decode, given as parallel lists; quarantine_rejects.sql prefers them to csv_line.
create or replace temp table dq_full_lines as
select unnest(cast($lines as bigint[])) as line,
       unnest(cast($raw_texts as varchar[])) as raw_text,
       unnest(cast($raw_bytes as blob[])) as raw_bytes;
