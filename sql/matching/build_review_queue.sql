delete from matching.review_queue where as_of_date = cast($as_of_date as date);
insert into matching.review_queue by name
select
    p.as_of_date,
    p.customer_type,
    p.record_key_l,
    p.record_key_r,
    p.match_probability,
    cl.cluster_key = cr.cluster_key as same_entity_now,
    p.weights
from matching.pairs as p
join matching.clusters as cl on cl.as_of_date = p.as_of_date and cl.record_key = p.record_key_l
join matching.clusters as cr on cr.as_of_date = p.as_of_date and cr.record_key = p.record_key_r
where p.as_of_date = cast($as_of_date as date) and p.band = 'review';
