-- The snapshot dates an erasure touches (raw/build_erasure_targets): their audit reports are rendered again.
select distinct r.snapshot_date
from raw.customer_rows as r
semi join erasure_rows as e on e.load_id = r.load_id and e.row_number = r.row_number
union
select distinct as_of_date from erasure_entities
order by 1;
