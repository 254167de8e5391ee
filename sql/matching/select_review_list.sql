-- Review queue of an as_of_date with both records' values, for `dq review list`.
select
    q.as_of_date, q.reason, q.customer_type, q.record_key_l, q.record_key_r, q.match_probability,
    q.same_entity_now, cast(q.weights as varchar) as weights,
    l.name as name_l, r.name as name_r, l.company_name as company_name_l, r.company_name as company_name_r,
    l.mobile as mobile_l, r.mobile as mobile_r, l.id_number as id_number_l, r.id_number as id_number_r,
    l.credit_code as credit_code_l, r.credit_code as credit_code_r, l.email as email_l, r.email as email_r,
    l.birth_date as birth_date_l, r.birth_date as birth_date_r, l.city as city_l, r.city as city_r
from matching.review_queue as q
join staging.current_customers(cast($as_of_date as date)) as l on l.record_key = q.record_key_l
join staging.current_customers(cast($as_of_date as date)) as r on r.record_key = q.record_key_r
where q.as_of_date = cast($as_of_date as date)
order by q.reason, q.match_probability desc, q.record_key_l, q.record_key_r
limit $limit;
