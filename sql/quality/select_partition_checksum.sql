-- Row count and checksum of a staged partition over $columns (the row-local rules' columns): the
-- sum of each row's hash, so any changed, added or removed row changes it (up to a hash collision).
select count(*) as partition_rows,
       cast(coalesce(sum(cast(hash(*columns(c -> list_contains($columns, c))) as hugeint)), 0) as varchar)
           as partition_checksum
from staging.customers
where snapshot_date = cast($snapshot_date as date);
