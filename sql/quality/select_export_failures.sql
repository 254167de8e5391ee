-- failures export: one row per failing record x rule of a snapshot date: the field that failed, why
-- (the normalizer's reason or the rule's, e.g. 'checksum', 'missing:placeholder:无',
-- 'city_not_in_province'; never the value) and the rule's severity.
select source, source_record_id, field, reason, rule_id as rule, severity
from quality.rule_failures
where snapshot_date = cast($as_of_date as date)
order by source, source_record_id, rule_id;
