-- Erasure (see raw/build_erasure_targets): the record leaves pairs, the review queue, steward decisions
-- naming it (and field overrides of entities it was alone in) and clusters on every date. Entities
-- that keep records get their size and cluster_key (the smallest record key) back in line; an entity
-- left without records is logged as 'erased' on the last date it existed.
delete from matching.pairs where $record_key in (record_key_l, record_key_r);
delete from matching.review_queue where $record_key in (record_key_l, record_key_r);
delete from matching.steward_decisions
where $record_key in (record_key_l, record_key_r)
   or (action = 'override_field'
       and golden_id in (select golden_id from erasure_entities group by golden_id having max(remaining) = 0));
delete from matching.clusters where record_key = $record_key;
update matching.clusters as c
set cluster_size = k.size, cluster_key = k.cluster_key
from (
    select c.as_of_date, c.golden_id, count(*) as size, min(c.record_key) as cluster_key
    from matching.clusters as c
    semi join erasure_entities as e on e.as_of_date = c.as_of_date and e.golden_id = c.golden_id
    group by all
) as k
where k.as_of_date = c.as_of_date and k.golden_id = c.golden_id;
insert into matching.golden_id_changes by name
select max(as_of_date) as as_of_date, golden_id, 'erased' as change, null as related_golden_id, 0 as records
from erasure_entities
group by golden_id
having max(remaining) = 0;
