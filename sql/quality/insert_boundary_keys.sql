-- Keyed rows of $snapshot_date whose {column} lies between $low and $high (a `$PARAMETER` bound of a
-- between rule on the previous date and on this one), added to rule_changed_keys: their verdict may
-- move with the date, so they are validated again (on both dates, with each date's parameters).
insert into rule_changed_keys
select record_key from staging.customers
where snapshot_date = cast($snapshot_date as date) and record_key is not null
  and cast({column} as timestamp) between cast($low as timestamp) and cast($high as timestamp)
except
select record_key from rule_changed_keys;
