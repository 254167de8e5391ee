-- `rule_counts_frame` (rule_id, element_count, evaluated, failed) registered by the validation step.
insert into quality.rule_counts by name
select cast($snapshot_date as date) as snapshot_date, $fingerprint as fingerprint,
       $partition_rows as partition_rows, cast($partition_checksum as hugeint) as partition_checksum, *
from rule_counts_frame;
