-- Erasure: the record's rule failures on every date (rule_results and KPIs are counts and stay).
delete from quality.rule_failures
where record_key = $record_key or (source = $source and source_record_id = $source_record_id);
