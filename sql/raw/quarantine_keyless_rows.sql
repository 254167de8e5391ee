-- A new load's rows without a key (the primary key column null, empty or blank -- spaces, a BOM,
-- U+3000 -- as in a Parquet null) move to raw.quarantine with a reason: such a row can never be a
-- record (no record_key), and it used to be left out of matching silently. The key is parsed once
-- per row (the insert); the delete finds the moved rows by their quarantine entries, so it reads no
-- JSON (a second parse of every record cost 0.3 s at 278k rows).
insert into raw.quarantine (load_id, source, file_name, line, snapshot_date, reason, raw_text, raw_bytes)
select
    load_id,
    source,
    file_name,
    row_number,
    snapshot_date,
    'no key: the primary key column ' || $key_column || ' is empty',
    cast(record as varchar),
    null
from raw.customer_rows
where load_id = $load_id
  and coalesce(raw.strip_key(replace(json_extract_string(record, $key_pointer), chr(65279), '')), '') = '';
delete from raw.customer_rows
where load_id = $load_id
  and row_number in (
      select line
      from raw.quarantine
      where load_id = $load_id and reason = 'no key: the primary key column ' || $key_column || ' is empty'
  );
