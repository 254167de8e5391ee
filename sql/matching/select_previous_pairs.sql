-- A date's stored pairs in the shape dq_project.matching returns them (weights as JSON text).
select record_key_l, record_key_r, customer_type, match_probability, match_weight,
       cast(weights as varchar) as weights
from matching.pairs
where as_of_date = cast($as_of_date as date);
