select count(*) as golden_records, coalesce(sum(record_count), 0) as source_records,
       count(*) filter (where record_count > 1) as merged_entities
from golden.customers
where as_of_date = cast($as_of_date as date);
