-- A new load's rows whose record key has a tombstone: dropped, and quarantined lines naming such a key
-- (as one of their fields) lose their raw text, before the load commits. The count is of dropped rows.
create or replace temp table erased_in_load as
select row_number
from raw.customer_rows
where load_id = $load_id
  and raw.erasure_hash($source || ':' || raw.strip_key(json_extract_string(record, $key_pointer)))
      in (select key_hash from raw.erasures where source = $source);
delete from raw.customer_rows
where load_id = $load_id and row_number in (select row_number from erased_in_load);
update raw.quarantine as q
set raw_text = null, raw_bytes = null, reason = 'erased on request'
from (select any_value(salt) as salt from raw.erasure_salt) as s,
     (select list(key_hash) as hashes from raw.erasures where source = $source) as e
where q.load_id = $load_id and q.raw_text is not null
  and list_has_any(
      list_transform(string_split_regex(q.raw_text, '[,;|\t"{}\[\]:]'),
                     lambda f: sha256(s.salt || $source || ':' || raw.strip_key(f))),
      e.hashes
  );
