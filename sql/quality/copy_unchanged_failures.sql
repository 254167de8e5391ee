-- Failures of the row-local rules ($rule_ids) on records whose row is unchanged since $previous_date
-- (keyed rows of $snapshot_date not in rule_changed_keys): the same record fails the same rule with
-- the same value and reason, filed under $snapshot_date.
insert into quality.rule_failures by name
select f.* replace (cast($snapshot_date as date) as snapshot_date, $run_id as run_id)
from quality.rule_failures as f
where f.snapshot_date = cast($previous_date as date)
  and list_contains($rule_ids, f.rule_id)
  and f.record_key in (
      select record_key from rule_row_hashes
      where snapshot_date = cast($snapshot_date as date) and record_key is not null
  )
  and f.record_key not in (select record_key from rule_changed_keys);
