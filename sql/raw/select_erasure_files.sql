-- The landed files that held an erased record (they still do: landing files are outside the warehouse).
select distinct l.source, l.file_name
from raw.loads as l
where l.load_id in (select load_id from erasure_rows)
order by 1, 2;
