-- Records new or changed between two dates' current states: a record absent on $previous_date, or
-- whose values differ (any column but the load bookkeeping; a re-delivered identical row is unchanged).
with
now as (
    select record_key, hash(*columns(* exclude (snapshot_date, load_id, row_number))) as digest
    from staging.current_customers(cast($as_of_date as date))
),
before as (
    select record_key, hash(*columns(* exclude (snapshot_date, load_id, row_number))) as digest
    from staging.current_customers(cast($previous_date as date))
)
select n.record_key
from now as n
left join before as b on b.record_key = n.record_key
where b.record_key is null or b.digest <> n.digest
order by n.record_key;
