-- Per date of rule_row_hashes: rows, keyed rows, distinct keys, checksum (as select_partition_checksum),
-- and the rows to validate again: changed, added or removed keys and rows without a key.
select snapshot_date, count(*) as partition_rows, count(record_key) as keyed,
       count(distinct record_key) as keys,
       cast(coalesce(sum(cast(row_hash as hugeint)), 0) as varchar) as partition_checksum,
       count(*) filter (where record_key is null or record_key in (select record_key from rule_changed_keys))
           as changed
from rule_row_hashes
group by snapshot_date;
