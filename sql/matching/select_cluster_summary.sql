select count(distinct cluster_key) as entities, coalesce(max(cluster_size), 0) as largest_cluster
from matching.clusters
where as_of_date = cast($as_of_date as date);
