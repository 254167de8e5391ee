delete from matching.review_queue where as_of_date = cast($as_of_date as date);
insert into matching.review_queue by name
-- The date's clusters are filtered first and joined on record_key alone: the pairs and clusters were
-- written in this transaction (no statistics yet), and a shared as_of_date join condition led
-- DuckDB to join the clusters with themselves on the date (1e10 rows at 100k records).
with
day_clusters as (
    select record_key, cluster_key, cluster_size
    from matching.clusters
    where as_of_date = cast($as_of_date as date)
),
scored as (
    select
        p.*,
        cl.cluster_key = cr.cluster_key as same_entity_now,
        cl.cluster_key as cluster_l,
        cl.cluster_size as size_l
    from matching.pairs as p
    join day_clusters as cl on cl.record_key = p.record_key_l
    join day_clusters as cr on cr.record_key = p.record_key_r
    where p.as_of_date = cast($as_of_date as date)
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
decided as (
    select least(record_key_l, record_key_r) as a, greatest(record_key_l, record_key_r) as b
    from matching.steward_decisions
    where action in ('merge', 'keep_apart')
)
select f.as_of_date, f.customer_type, f.record_key_l, f.record_key_r, f.match_probability,
       f.same_entity_now, f.weights, f.reason
from flagged as f
anti join decided as d
    on d.a = least(f.record_key_l, f.record_key_r) and d.b = greatest(f.record_key_l, f.record_key_r);
