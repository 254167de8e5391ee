-- KPIs of one snapshot date, reproducible from the data as of that date.
--   Quality dimensions (completeness, validity, consistency, timeliness) describe the customer base
--   as of the date: every record's latest version (staging.current_customers, as golden records do),
--   each judged by the validation of the date that version was staged (quality.rule_failures of
--   that date). Share of those records with no failure of the dimension's rules; per scope overall /
--   source / owner. A tiny load moves these figures by its share of the base, no more.
--   scope 'load': the same measures over only this date's staged records ("this load"), for the
--   report's load section; the drop check never reads it.
--   Owner scopes: 'owner:<no_field>' for sources without an owner field (kpi_owner_sources),
--   'owner:<missing>' for records whose owner is null or a placeholder (kpi_owner_placeholders):
--   neither is a person.
--   uniqueness: entities / records over the current state as of the date (1 - duplicate rate).
--   quality_score: the mean of the dimension measures weighted by `kpi_weights` (registered from the
--     config; a dimension without a measure is left out and the weights renormalize).
--   counts and rates (overall): records (current), load_records (staged on the date), golden records,
--   review queue, quarantined rows, duplicate rate, and the entity merges and splits of the date.
delete from quality.kpi_history where snapshot_date = cast($snapshot_date as date);
insert into quality.kpi_history by name
with current_state as (
    select record_key, snapshot_date as version_date, source, owner
    from staging.current_customers(cast($snapshot_date as date))
),
owned as (
    select
        c.record_key, c.version_date, c.source,
        case
            when c.source not in (select source from kpi_owner_sources) then '<no_field>'
            when c.owner is null or lower(trim(c.owner)) in (select value from kpi_owner_placeholders)
                then '<missing>'
            else c.owner
        end as owner
    from current_state as c
),
load_records as (
    select coalesce(record_key, source || '#row' || row_number || '@' || load_id) as record_key, source
    from staging.customers
    where snapshot_date = cast($snapshot_date as date)
),
dimensions as (
    select distinct dimension
    from quality.rule_results
    where snapshot_date <= cast($snapshot_date as date) and dimension <> 'uniqueness'
),
failing as (
    select distinct f.snapshot_date, f.record_key, r.dimension
    from quality.rule_failures as f
    join quality.rule_results as r on r.snapshot_date = f.snapshot_date and r.rule_id = f.rule_id
    where f.snapshot_date <= cast($snapshot_date as date)
),
record_dimension as (
    select o.source, o.owner, d.dimension, f.record_key is not null as failed
    from owned as o
    cross join dimensions as d
    left join failing as f
        on f.snapshot_date = o.version_date and f.record_key = o.record_key and f.dimension = d.dimension
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
load_dimensions as (
    select 'load' as scope, d.dimension,
           count(*) filter (where f.record_key is null) as numerator, count(*) as denominator
    from load_records as l
    cross join dimensions as d
    left join failing as f
        on f.snapshot_date = cast($snapshot_date as date) and f.record_key = l.record_key
       and f.dimension = d.dimension
    group by d.dimension
),
current_records as (
    select c.golden_id, o.source, o.owner
    from matching.clusters as c
    join owned as o on o.record_key = c.record_key
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
    from (
        select * from rule_dimensions
        union all select * from load_dimensions
        union all select * from uniqueness
    )
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
    select 'count', 'records', count(*) from current_state
    union all
    select 'count', 'load_records', count(*) from load_records
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
