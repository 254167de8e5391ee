select coalesce(reason, 'uncertain_match') as reason, count(*) as pairs
from matching.review_queue
where as_of_date = cast($as_of_date as date)
group by all
order by 1;
