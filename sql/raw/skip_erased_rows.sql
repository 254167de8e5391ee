-- A new load's rows whose record key has a tombstone: dropped, and quarantined lines naming such a key
-- (as one of their fields) lose their raw text, before the load commits. The count is of dropped rows.
create or replace temp table erased_in_load as
select row_number
from raw.customer_rows
where load_id = $load_id
  and raw.erasure_hash($source || ':' || raw.strip_key(record ->> $key_pointer))
      in (select key_hash from raw.erasures where source = $source);
delete from raw.customer_rows
where load_id = $load_id and row_number in (select row_number from erased_in_load);
update raw.quarantine
set raw_text = null, reason = 'erased on request'
where load_id = $load_id and raw_text is not null
  and list_has_any(
      list_transform(string_split_regex(raw_text, '[,;|\t"{}\[\]:]'),
                     lambda f: raw.erasure_hash($source || ':' || raw.strip_key(f))),
      (select list(key_hash) from raw.erasures where source = $source)
  );
