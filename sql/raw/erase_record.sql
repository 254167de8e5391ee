-- Erasure (see raw/build_erasure_targets): the record's raw rows go; quarantined lines that name it
-- keep their place in the load (line number) but lose their text.
delete from raw.customer_rows as r
where exists (select 1 from erasure_rows as e where e.load_id = r.load_id and e.row_number = r.row_number);
update raw.quarantine as q
set raw_text = null, raw_bytes = null, reason = 'erased on request'
where exists (select 1 from erasure_quarantine as e where e.load_id = q.load_id and e.line = q.line);
