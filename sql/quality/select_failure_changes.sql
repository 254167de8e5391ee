-- Per rule: failures new since the previous validated snapshot date, and failures fixed since then
-- (by record key), so a bulk import that introduced errors stands out.
with previous as (
    select max(snapshot_date) as d from quality.rule_results where snapshot_date < cast($snapshot_date as date)
),
today as (
    select distinct rule_id, record_key from quality.rule_failures where snapshot_date = cast($snapshot_date as date)
),
before as (
    select distinct rule_id, record_key from quality.rule_failures where snapshot_date = (select d from previous)
)
select
    coalesce(t.rule_id, b.rule_id) as rule_id,
    count(*) filter (where b.record_key is null) as new_failures,
    count(*) filter (where t.record_key is null) as fixed,
    (select d from previous) as previous_date
from today as t
full outer join before as b on b.rule_id = t.rule_id and b.record_key = t.record_key
group by 1
having count(*) filter (where b.record_key is null) > 0 or count(*) filter (where t.record_key is null) > 0
order by new_failures desc, rule_id;
