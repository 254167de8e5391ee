-- The records of a golden ID in its latest clustering.
select record_key
from matching.clusters
where golden_id = $golden_id
  and as_of_date = (select max(as_of_date) from matching.clusters where golden_id = $golden_id)
order by record_key;
