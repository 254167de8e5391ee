-- failures export: one row per failing record x rule of a snapshot date (no customer values).
select source, source_record_id, field, rule_id as rule, severity
from quality.rule_failures
where snapshot_date = cast($as_of_date as date)
order by source, source_record_id, rule_id;
