-- KPIs (overall and per source) that fell by more than $max_drop against the baseline: the mean of
-- the previous $baseline_days snapshot dates that have KPIs.
with previous_dates as (
    select distinct snapshot_date
    from quality.kpi_history
    where snapshot_date < cast($snapshot_date as date)
    order by snapshot_date desc
    limit $baseline_days
),
baseline as (
    select scope, dimension, avg(measure) as baseline
    from quality.kpi_history
    where snapshot_date in (select snapshot_date from previous_dates) and kind in ('dimension', 'score')
    group by scope, dimension
)
select t.scope, t.dimension, t.measure, b.baseline, b.baseline - t.measure as fall
from quality.kpi_history as t
join baseline as b on b.scope = t.scope and b.dimension = t.dimension
where t.snapshot_date = cast($snapshot_date as date)
  and t.kind in ('dimension', 'score')
  and (t.scope = 'overall' or t.scope like 'source:%')
  and b.baseline - t.measure > $max_drop
order by fall desc, t.scope, t.dimension;
