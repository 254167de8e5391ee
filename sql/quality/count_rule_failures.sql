-- How many failures a date stores.
select count(*) from quality.rule_failures where snapshot_date = cast($snapshot_date as date);
