-- Source record ids of one source that still have rows although their key has a tombstone: what a
-- restored backup taken before an erasure brings back (raw rows by the key column, staged versions
-- by record key).
select distinct id
from (
    select raw.strip_key(json_extract_string(record, $key_pointer)) as id
    from raw.customer_rows
    where source = $source
    union all
    select source_record_id
    from staging.customers
    where source = $source
) as k
where id is not null and id <> ''
  and raw.erasure_hash($source || ':' || id) in (select key_hash from raw.erasures where source = $source)
order by id;
