-- KPIs of one snapshot date, reproducible from the data as of that date.
--   dimension (completeness, validity, consistency, timeliness): share of the snapshot's records with
--     no failure of that dimension's rules; per scope overall / source / owner.
--   uniqueness: entities / records over the current state as of the date (1 - duplicate rate).
--   quality_score: the mean of the dimension measures weighted by `kpi_weights` (registered from the
--     config; a dimension without a measure is left out and the weights renormalize).
--   counts and rates (overall): golden records, review queue, quarantined rows, duplicate rate, and
--   the entity merges and splits of the date (matching.golden_id_changes).
delete from quality.kpi_history where snapshot_date = cast($snapshot_date as date);
insert into quality.kpi_history by name
with records as (
    select
        coalesce(record_key, source || '#row' || row_number || '@' || load_id) as record_key,
        source,
        coalesce(owner, '(none)') as owner
    from staging.customers
    where snapshot_date = cast($snapshot_date as date)
),
dimensions as (
    select distinct dimension
    from quality.rule_results
    where snapshot_date = cast($snapshot_date as date) and dimension <> 'uniqueness'
),
failing as (
    select distinct f.record_key, r.dimension
    from quality.rule_failures as f
    join quality.rule_results as r on r.snapshot_date = f.snapshot_date and r.rule_id = f.rule_id
    where f.snapshot_date = cast($snapshot_date as date)
),
record_dimension as (
    select r.record_key, r.source, r.owner, d.dimension, f.record_key is not null as failed
    from records as r
    cross join dimensions as d
    left join failing as f on f.record_key = r.record_key and f.dimension = d.dimension
),
rule_dimensions as (
    select
        case
            when grouping(source) = 0 then 'source:' || source
            when grouping(owner) = 0 then 'owner:' || owner
            else 'overall'
        end as scope,
        dimension,
        count(*) filter (where not failed) as numerator,
        count(*) as denominator
    from record_dimension
    group by grouping sets ((dimension), (dimension, source), (dimension, owner))
),
current_records as (
    select c.golden_id, r.source, coalesce(r.owner, '(none)') as owner
    from matching.clusters as c
    join staging.current_customers(cast($snapshot_date as date)) as r on r.record_key = c.record_key
    where c.as_of_date = cast($snapshot_date as date)
),
uniqueness as (
    select
        case
            when grouping(source) = 0 then 'source:' || source
            when grouping(owner) = 0 then 'owner:' || owner
            else 'overall'
        end as scope,
        'uniqueness' as dimension,
        count(distinct golden_id) as numerator,
        count(*) as denominator
    from current_records
    group by grouping sets ((), (source), (owner))
),
measured as (
    select scope, dimension, numerator, denominator, numerator / nullif(denominator, 0) as measure
    from (select * from rule_dimensions union all select * from uniqueness)
),
scores as (
    select m.scope, sum(m.measure * w.weight) as numerator, sum(w.weight) as denominator
    from measured as m
    join kpi_weights as w on w.dimension = m.dimension
    where m.measure is not null
    group by m.scope
),
operational as (
    select 'count' as kind, 'golden_records' as dimension, count(*) as numerator
    from golden.customers where as_of_date = cast($snapshot_date as date)
    union all
    select 'count', 'review_queue', count(*)
    from matching.review_queue where as_of_date = cast($snapshot_date as date)
    union all
    select 'count', 'quarantined_rows', count(*)
    from raw.quarantine where snapshot_date = cast($snapshot_date as date)
    union all
    select 'count', 'records', count(*) from records
    union all
    select 'count', change || 's', count(*) filter (where as_of_date = cast($snapshot_date as date))
    from (values ('merge'), ('split')) as kinds(change)
    left join matching.golden_id_changes using (change)
    group by change
)
select cast($snapshot_date as date) as snapshot_date, $run_id as run_id, scope, 'dimension' as kind,
       dimension, numerator, denominator, measure
from measured
union all
select cast($snapshot_date as date), $run_id, scope, 'score', 'quality_score', numerator, denominator,
       numerator / nullif(denominator, 0)
from scores
union all
select cast($snapshot_date as date), $run_id, 'overall', kind, dimension, numerator, 1, numerator
from operational
union all
select cast($snapshot_date as date), $run_id, 'overall', 'rate', 'duplicate_rate',
       denominator - numerator, denominator, (denominator - numerator) / nullif(denominator, 0)
from uniqueness
where scope = 'overall';
