delete from matching.review_queue where as_of_date = cast($as_of_date as date);
insert into matching.review_queue by name
-- The date's clusters are filtered first and joined on record_key alone: the pairs and clusters were
-- written in this transaction (no statistics yet), and a shared as_of_date join condition led
-- DuckDB to join the clusters with themselves on the date (1e10 rows at 100k records).
-- A full run ($full) flags every pair of the date. An incremental one flags again only the pairs
-- touching a record it re-clustered (`review_scope`, record_key: whole entities, so every
-- merge-band pair and every pair of their entities) and carries the $previous_date rows of the
-- others over: their pairs and entities did not change.
with
day_pairs as (
    select p.*
    from matching.pairs as p
    where p.as_of_date = cast($as_of_date as date)
      and ($full or p.record_key_l in (select record_key from review_scope)
           or p.record_key_r in (select record_key from review_scope))
),
day_clusters as (
    select record_key, cluster_key, cluster_size
    from matching.clusters
    where as_of_date = cast($as_of_date as date)
      and ($full or record_key in (select record_key_l from day_pairs union all select record_key_r from day_pairs))
),
scored as (
    select
        p.*,
        cl.cluster_key = cr.cluster_key as same_entity_now,
        cl.cluster_key as cluster_l,
        cl.cluster_size as size_l
    from day_pairs as p
    join day_clusters as cl on cl.record_key = p.record_key_l
    join day_clusters as cr on cr.record_key = p.record_key_r
),
flagged as (
    select *, 'uncertain_match' as reason from scored where band = 'review'
    union all
    select *, 'id_conflict' from scored where band = 'merge' and not same_entity_now
    union all
    select *, 'oversized_cluster' from scored
    where band = 'merge' and same_entity_now and size_l > $max_cluster_size
    qualify row_number() over (partition by cluster_l order by match_probability, record_key_l, record_key_r) = 1
),
queue as (
    select as_of_date, customer_type, record_key_l, record_key_r, match_probability, same_entity_now,
           weights, reason
    from flagged
    union all
    select cast($as_of_date as date), customer_type, record_key_l, record_key_r, match_probability,
           same_entity_now, weights, reason
    from matching.review_queue
    where not $full and as_of_date = cast($previous_date as date)
      and record_key_l not in (select record_key from review_scope)
      and record_key_r not in (select record_key from review_scope)
),
decided as (
    select least(record_key_l, record_key_r) as a, greatest(record_key_l, record_key_r) as b
    from matching.steward_decisions
    where action in ('merge', 'keep_apart')
),
-- Entities a steward put apart (keep_apart: the two sides; unmerge: every record its own side): a
-- merge-band pair across them is the decision at work, not a conflict to review again.
split_sides as (
    select d.decision_id, d.side, c.cluster_key
    from (
        select decision_id, record_key_l as record_key, 'l' as side
        from matching.steward_decisions where action = 'keep_apart'
        union all
        select decision_id, record_key_r, 'r' from matching.steward_decisions where action = 'keep_apart'
        union all
        select decision_id, record_key_l, record_key_l from matching.steward_decisions where action = 'unmerge'
    ) as d
    join matching.clusters as c
        on c.record_key = d.record_key and c.as_of_date = cast($as_of_date as date)
),
split_pairs as (
    select distinct q.record_key_l, q.record_key_r
    from queue as q
    join matching.clusters as cl
        on cl.record_key = q.record_key_l and cl.as_of_date = cast($as_of_date as date)
    join matching.clusters as cr
        on cr.record_key = q.record_key_r and cr.as_of_date = cast($as_of_date as date)
    join split_sides as sl on sl.cluster_key = cl.cluster_key
    join split_sides as sr on sr.cluster_key = cr.cluster_key and sr.decision_id = sl.decision_id
    where q.reason = 'id_conflict' and sl.side <> sr.side
)
select q.*
from queue as q
anti join decided as d
    on d.a = least(q.record_key_l, q.record_key_r) and d.b = greatest(q.record_key_l, q.record_key_r)
anti join split_pairs as s
    on s.record_key_l = q.record_key_l and s.record_key_r = q.record_key_r;
