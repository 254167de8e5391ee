-- A few failing values per rule, first by record key (deterministic). value_shown is the masked
-- value, or the staged value as the record had it on the date when $unmasked (report.mask_pii = false).
with samples as (
    select rule_id, source, source_record_id, record_key, field, value_masked
    from (
        select *, row_number() over (partition by rule_id order by record_key) as n
        from quality.rule_failures
        where snapshot_date = cast($snapshot_date as date)
    )
    where n <= $per_rule
),
staged as (
    unpivot (
        select record_key, columns(* exclude (record_key))::varchar
        from staging.current_customers(cast($snapshot_date as date))
        where $unmasked and record_key in (select record_key from samples)
    )
    on columns(* exclude (record_key)) into name field value value
)
select s.rule_id, s.source, s.source_record_id, s.field,
       case when $unmasked then v.value else s.value_masked end as value_shown
from samples as s
left join staged as v on v.record_key = s.record_key and v.field = s.field
order by s.rule_id, s.record_key;
