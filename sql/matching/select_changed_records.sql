-- Records new or changed between two dates' current states: a record absent on $previous_date, or
-- whose values differ (any column but the load bookkeeping; a re-delivered identical row is
-- unchanged). Only records staged in a snapshot after $previous_date can differ, so only their
-- versions are ranked (as staging.current_customers ranks them).
with
recent as (
    select distinct record_key
    from staging.customers
    where snapshot_date > cast($previous_date as date) and snapshot_date <= cast($as_of_date as date)
),
versions as (
    select *, hash(*columns(* exclude (snapshot_date, load_id, row_number))) as digest
    from staging.customers
    semi join recent using (record_key)
    where snapshot_date <= cast($as_of_date as date)
),
now as (
    select record_key, digest from versions
    qualify row_number() over (
        partition by record_key order by snapshot_date desc, load_id desc, row_number desc
    ) = 1
),
before as (
    select record_key, digest from versions
    where snapshot_date <= cast($previous_date as date)
    qualify row_number() over (
        partition by record_key order by snapshot_date desc, load_id desc, row_number desc
    ) = 1
)
select n.record_key
from now as n
left join before as b on b.record_key = n.record_key
where b.record_key is null or b.digest <> n.digest
order by n.record_key;
