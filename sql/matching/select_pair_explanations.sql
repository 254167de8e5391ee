-- Per review pair shown in the report ($as_of_date, keys in `explained_pairs`): each comparison's
-- match weight as stored with the pair (matching.review_queue.weights: log2 Bayes factor of the
-- level reached, plus its term-frequency adjustment) and the model level it reached: the level of
-- `model_levels` (customer_type, comparison, level, weight = log2 m/u; a null level weighs 0) whose
-- weight is nearest. `exact` is false when a term-frequency adjustment moved the weight off the
-- level's own. Entries "cannot_link:<pattern>" (the weight a cannot-link cap took off) have no level.
with shown as (
    select q.customer_type, q.record_key_l, q.record_key_r, q.weights
    from matching.review_queue as q
    join explained_pairs as e using (record_key_l, record_key_r)
    where q.as_of_date = cast($as_of_date as date)
    qualify row_number() over (partition by q.record_key_l, q.record_key_r order by q.reason) = 1
),
entries as (
    select customer_type, record_key_l, record_key_r, unnest(json_keys(weights)) as comparison, weights
    from shown
),
weighed as (
    select customer_type, record_key_l, record_key_r, comparison,
           cast(json_extract(weights, '$."' || comparison || '"') as double) as weight
    from entries
)
select
    w.record_key_l, w.record_key_r, w.customer_type, w.comparison, w.weight, l.level,
    abs(l.weight - w.weight) < 1e-3 as exact
from weighed as w
left join model_levels as l
    on l.customer_type = w.customer_type and l.comparison = w.comparison
qualify row_number() over (
    partition by w.record_key_l, w.record_key_r, w.comparison order by abs(l.weight - w.weight) nulls last
) = 1
order by w.record_key_l, w.record_key_r, w.comparison;
