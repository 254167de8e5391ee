-- Each staged row of $snapshot_date and $previous_date with the hash of $columns (the columns the
-- row-local rules read, without the date, load and row number a copied-forward row does not keep),
-- and the record keys whose row differs between the two dates or exists on one only.
create or replace temp table rule_row_hashes as
select snapshot_date, record_key, hash(*columns(c -> list_contains($columns, c))) as row_hash
from staging.customers
where snapshot_date in (cast($snapshot_date as date), cast($previous_date as date));
create or replace temp table rule_changed_keys as
with today as (
    select record_key, row_hash from rule_row_hashes
    where snapshot_date = cast($snapshot_date as date) and record_key is not null
),
before as (
    select record_key, row_hash from rule_row_hashes
    where snapshot_date = cast($previous_date as date) and record_key is not null
)
select coalesce(t.record_key, b.record_key) as record_key
from today as t
full join before as b on b.record_key = t.record_key
where t.row_hash is distinct from b.row_hash;
