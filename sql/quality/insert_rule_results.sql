-- `rule_results_frame` / `rule_failures_frame` are registered by the validation asset.
insert into quality.rule_results by name
select cast($snapshot_date as date) as snapshot_date, $run_id as run_id, * from rule_results_frame;
insert into quality.rule_failures by name
select cast($snapshot_date as date) as snapshot_date, $run_id as run_id, * from rule_failures_frame;
