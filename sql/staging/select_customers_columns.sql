-- The staged partition, only the columns named in $columns (what the rule run reads), unordered:
-- the caller sorts the narrow frame. `select *` with ORDER BY over all 78 columns was the largest
-- single cost of the quality step at 1M rows.
select columns(c -> list_contains($columns, c))
from staging.customers
where snapshot_date = cast($snapshot_date as date);
