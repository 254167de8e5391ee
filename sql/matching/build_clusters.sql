-- `clusters_frame` (record_key, cluster_key) comes from Splink's clustering; every record appears once.
delete from matching.clusters where as_of_date = cast($as_of_date as date);
insert into matching.clusters by name
select
    cast($as_of_date as date) as as_of_date,
    c.record_key,
    r.customer_type,
    c.cluster_key,
    'G' || upper(substr(md5(c.cluster_key), 1, 12)) as golden_id,
    count(*) over (partition by c.cluster_key) as cluster_size
from clusters_frame as c
join staging.current_customers(cast($as_of_date as date)) as r on r.record_key = c.record_key;
