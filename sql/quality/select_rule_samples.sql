-- The first $per_rule failures of each rule of $snapshot_date in row order (source, load, row: the
-- order a full run meets them in), masked values only: a check's samples.
with rows as (
    select coalesce(record_key, source || '#row' || row_number || '@' || load_id) as record_key,
           source, load_id, row_number
    from staging.customers
    where snapshot_date = cast($snapshot_date as date)
),
ranked as (
    select f.rule_id, f.value_masked,
           row_number() over (
               partition by f.rule_id
               order by r.source nulls last, r.load_id nulls last, r.row_number nulls last
           ) as n
    from quality.rule_failures as f
    join rows as r on r.record_key = f.record_key
    where f.snapshot_date = cast($snapshot_date as date)
)
select rule_id, value_masked from ranked where n <= $per_rule order by rule_id, n;
