-- For a decision's record keys ($record_keys) and golden ID ($golden_id): which records are known
-- (staged or clustered at some date), whether the golden ID is known, and the golden IDs involved
-- (each record's in its latest clustering, and the golden ID itself).
with
known as (
    select distinct record_key from staging.customers where record_key in (select unnest(cast($record_keys as varchar[])))
    union
    select distinct record_key from matching.clusters where record_key in (select unnest(cast($record_keys as varchar[])))
),
latest as (
    select record_key, arg_max(golden_id, as_of_date) as golden_id
    from matching.clusters
    where record_key in (select unnest(cast($record_keys as varchar[])))
    group by record_key
)
select
    (select list(k order by k) from (select unnest(cast($record_keys as varchar[])) as k) as given
     where k not in (select record_key from known)) as unknown_keys,
    $golden_id is null
        or exists (select 1 from matching.clusters where golden_id = $golden_id)
        or exists (select 1 from golden.customers where golden_id = $golden_id) as golden_known,
    (select list(distinct g order by g) from (
        select golden_id as g from latest union all select $golden_id
    ) as a where g is not null) as affected;
