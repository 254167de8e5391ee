delete from quality.rule_results where snapshot_date = cast($snapshot_date as date);
delete from quality.rule_failures where snapshot_date = cast($snapshot_date as date);
delete from quality.rule_counts where snapshot_date = cast($snapshot_date as date);
