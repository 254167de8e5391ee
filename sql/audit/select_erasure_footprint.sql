-- Rows per table that still hold one source record (needs the temp tables of raw/build_erasure_targets):
-- what `dq erase` removes, and afterwards the check that nothing is left. golden.customers counts the
-- rows of entities that lose their only record; entities that keep records are recomputed instead.
select 'raw.customer_rows' as table_name, count(*) as rows
from raw.customer_rows semi join erasure_rows using (load_id, row_number)
union all
select 'raw.quarantine', count(*)
from raw.quarantine as q
semi join erasure_quarantine as e on e.load_id = q.load_id and e.line = q.line
where q.raw_text is not null
union all
select 'staging.customers', count(*)
from staging.customers as s
where s.record_key = $record_key
   or exists (select 1 from erasure_rows as e where e.load_id = s.load_id and e.row_number = s.row_number)
union all
select 'staging.row_hashes', count(*)
from staging.row_hashes where record_key = $record_key
union all
select 'quality.rule_failures', count(*)
from quality.rule_failures
where record_key = $record_key or (source = $source and source_record_id = $source_record_id)
union all
select 'matching.pairs', count(*)
from matching.pairs where $record_key in (record_key_l, record_key_r)
union all
select 'matching.review_queue', count(*)
from matching.review_queue where $record_key in (record_key_l, record_key_r)
union all
select 'matching.clusters', count(*)
from matching.clusters where record_key = $record_key
union all
select 'matching.features', count(*)
from matching.features where record_key = $record_key
union all
select 'matching.steward_decisions', count(*)
from matching.steward_decisions
where $record_key in (record_key_l, record_key_r)
   or (action = 'override_field'
       and golden_id in (select golden_id from erasure_entities group by golden_id having max(remaining) = 0))
union all
select 'golden.provenance', count(*)
from golden.provenance where source = $source and source_record_id = $source_record_id
union all
select 'golden.customers', count(*)
from golden.customers as g
semi join erasure_entities as e
    on e.as_of_date = g.as_of_date and e.golden_id = g.golden_id and e.remaining = 0
union all
select 'audit.log', count(*)
from audit.log where list_contains(string_split(target, '|'), $record_key);
