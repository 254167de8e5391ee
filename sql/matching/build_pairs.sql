-- The new state of the scored pairs (`pairs_frame`, from Splink via dq_project.matching) as temp
-- table state_new for dq_project.warehouse.versioned.replace_state; bands follow each pair's type's thresholds
-- (columns merge_threshold, review_threshold: configured, or chosen with the type's model).
create or replace temp table state_new as
select
    customer_type,
    record_key_l,
    record_key_r,
    match_probability,
    match_weight,
    cast(weights as json) as weights,
    case
        when match_probability >= merge_threshold then 'merge'
        when match_probability >= review_threshold then 'review'
        else 'apart'
    end as band
from pairs_frame;
