-- Records per customer type on a linked date.
select customer_type, count(*) from matching.clusters
where as_of_date = cast($as_of_date as date)
group by customer_type;
