-- Whether one load holds a non-blank value in a column (stops at the first one found).
select 1
from raw.customer_rows
where load_id = $load_id and nullif(trim(record ->> cast($pointer as varchar)), '') is not null
limit 1;
