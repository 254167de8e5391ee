-- `pairs_frame` comes from Splink (dq_project.matching); bands follow the configured thresholds.
delete from matching.pairs where as_of_date = cast($as_of_date as date);
insert into matching.pairs by name
select
    cast($as_of_date as date) as as_of_date,
    customer_type,
    record_key_l,
    record_key_r,
    match_probability,
    match_weight,
    cast(weights as json) as weights,
    case
        when match_probability >= $merge_threshold then 'merge'
        when match_probability >= $review_threshold then 'review'
        else 'apart'
    end as band
from pairs_frame;
