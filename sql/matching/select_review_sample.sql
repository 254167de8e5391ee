select customer_type, record_key_l, record_key_r, match_probability, same_entity_now, reason, weights
from matching.review_queue
where as_of_date = cast($as_of_date as date)
order by match_probability desc, record_key_l, record_key_r
limit $limit;
