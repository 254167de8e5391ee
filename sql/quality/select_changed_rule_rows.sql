-- The staged rows of $snapshot_date to validate again (columns in $columns): rows without a record
-- key and rows whose key is in rule_changed_keys (hash_rule_rows).
select columns(c -> list_contains($columns, c))
from staging.customers
where snapshot_date = cast($snapshot_date as date)
  and (record_key is null or record_key in (select record_key from rule_changed_keys));
