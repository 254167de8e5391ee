-- Records new or changed between two dates' current states: a record absent on $previous_date, or
-- whose values differ (any column but the load bookkeeping; a re-delivered identical row is
-- unchanged). Only records staged in a snapshot after $previous_date can differ, so only their
-- versions are ranked (as staging.current_customers ranks them), on the version keys alone; then
-- only the two versions compared are read whole, by row id (at 1M records 0.77 -> 0.36 s on a
-- fresh connection: reading every column of the candidates' versions was most of the cost).
with
recent as (
    select distinct record_key
    from staging.customers
    where snapshot_date > cast($previous_date as date) and snapshot_date <= cast($as_of_date as date)
),
versions as (
    select rowid as version_row, record_key, snapshot_date, load_id, row_number
    from staging.customers
    semi join recent using (record_key)
    where snapshot_date <= cast($as_of_date as date)
),
now as (
    select record_key, version_row from versions
    qualify row_number() over (
        partition by record_key order by snapshot_date desc, load_id desc, row_number desc
    ) = 1
),
before as (
    select record_key, version_row from versions
    where snapshot_date <= cast($previous_date as date)
    qualify row_number() over (
        partition by record_key order by snapshot_date desc, load_id desc, row_number desc
    ) = 1
),
compared as (
    select n.record_key, n.version_row as now_row, b.version_row as before_row
    from now as n
    left join before as b on b.record_key = n.record_key
),
digests as (
    select rowid as version_row, hash(*columns(* exclude (snapshot_date, load_id, row_number))) as digest
    from staging.customers
    where rowid in (
        select now_row from compared
        union all
        select before_row from compared where before_row is not null
    )
)
select c.record_key
from compared as c
left join digests as n on n.version_row = c.now_row
left join digests as b on b.version_row = c.before_row
where c.before_row is null or b.digest <> n.digest
order by c.record_key;
