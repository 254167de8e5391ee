-- KPIs of one snapshot date (scope 'overall'):
--   completeness, validity, consistency: 1 - failed / evaluated over that dimension's rules;
--   uniqueness: entities / current records (1 - duplicate rate) from matching.clusters;
--   quality_score: the unweighted mean of the dimension measures present.
delete from quality.kpi_history where snapshot_date = cast($snapshot_date as date);
insert into quality.kpi_history by name
with rule_dimensions as (
    select dimension, sum(evaluated - failed) as numerator, sum(evaluated) as denominator
    from quality.rule_results
    where snapshot_date = cast($snapshot_date as date) and dimension <> 'uniqueness'
    group by dimension
),
uniqueness as (
    select 'uniqueness' as dimension, count(distinct golden_id) as numerator, count(*) as denominator
    from matching.clusters
    where as_of_date = cast($snapshot_date as date)
    having count(*) > 0
),
dimensions as (
    select dimension, numerator, denominator, numerator / nullif(denominator, 0) as measure
    from (select * from rule_dimensions union all select * from uniqueness)
)
select cast($snapshot_date as date) as snapshot_date, $run_id as run_id, 'overall' as scope,
       dimension, numerator, denominator, measure
from dimensions
union all
select cast($snapshot_date as date), $run_id, 'overall', 'quality_score',
       sum(measure), count(measure), avg(measure)
from dimensions
having count(measure) > 0;
