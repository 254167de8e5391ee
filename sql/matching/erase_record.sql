-- Erasure (see raw/build_erasure_targets): the record leaves pairs, the review queue, steward decisions
-- naming it (and field overrides of entities it was alone in), the feature cache and clusters on every date (all their
-- versions). The entities that keep records get their size and cluster_key back in line date by date
-- (matching/build_erasure_clusters); an entity left without records is logged as 'erased' on the
-- last date it existed.
delete from matching.pair_versions where $record_key in (record_key_l, record_key_r);
delete from matching.review_queue where $record_key in (record_key_l, record_key_r);
delete from matching.steward_decisions
where $record_key in (record_key_l, record_key_r)
   or (action = 'override_field'
       and golden_id in (select golden_id from erasure_entities group by golden_id having max(remaining) = 0));
delete from matching.cluster_versions where record_key = $record_key;
delete from matching.features where record_key = $record_key;
insert into matching.golden_id_changes by name
select max(as_of_date) as as_of_date, golden_id, 'erased' as change, null as related_golden_id, 0 as records
from erasure_entities
group by golden_id
having max(remaining) = 0;
