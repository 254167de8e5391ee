-- What an erasure of one source record ($record_key = $source:$source_record_id) touches, as temp
-- tables: its raw rows (by the source's key column, or staged under its record key), the identifying
-- values it holds (as received and normalized), the quarantined lines that name its key or quote
-- one of those values, and every entity it belonged to on every as_of_date with the number of records that remain.
create or replace temp table erasure_rows as
select load_id, row_number, record
from raw.customer_rows
where source = $source and raw.strip_key(json_extract_string(record, $key_pointer)) = $source_record_id
union
select r.load_id, r.row_number, r.record
from raw.customer_rows as r
join staging.customers as s on s.load_id = r.load_id and s.row_number = r.row_number
where s.record_key = $record_key;
create or replace temp table erasure_values as
select distinct value
from (
    select unnest(list_transform(cast($value_pointers as varchar[]), lambda p: json_extract_string(record, p)))
        as value
    from erasure_rows
    union all
    select unnest([id_number, credit_code, mobile, phone, email])
    from staging.customers
    where record_key = $record_key
)
where length(value) >= 6;
create or replace temp table erasure_quarantine as
select q.load_id, q.line
from raw.quarantine as q
where q.raw_text is not null
  and ((q.source = $source
        and list_contains(list_transform(string_split_regex(q.raw_text, '[,;|\t"{}\[\]:]'),
                                         lambda f: raw.strip_key(f)), $source_record_id))
       or exists (select 1 from erasure_values as v where contains(q.raw_text, v.value)));
create or replace temp table erasure_entities as
select c.as_of_date, c.golden_id, count(*) filter (where c.record_key <> $record_key) as remaining
from matching.clusters as c
where exists (
    select 1 from matching.clusters as e
    where e.record_key = $record_key and e.as_of_date = c.as_of_date and e.golden_id = c.golden_id
)
group by all;
