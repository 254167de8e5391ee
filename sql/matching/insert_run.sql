delete from matching.runs where as_of_date = cast($as_of_date as date);
insert into matching.runs
select cast($as_of_date as date), $mode, $reason, $fingerprint, cast($previous_date as date), $records,
       $changed_records, $pairs, $seconds;
