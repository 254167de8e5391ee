-- A few masked failing values per rule, first by record key (deterministic).
select rule_id, source, source_record_id, field, value_masked
from (
    select *, row_number() over (partition by rule_id order by record_key) as n
    from quality.rule_failures
    where snapshot_date = cast($snapshot_date as date)
)
where n <= $per_rule
order by rule_id, n;
