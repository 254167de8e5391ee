-- The latest date before $as_of_date with golden records, its settings fingerprint, and the
-- latest built date overall (no row when nothing was built before the date).
select as_of_date, fingerprint, (select max(as_of_date) from golden.built_dates) as latest
from golden.built_dates
where as_of_date < cast($as_of_date as date)
order by as_of_date desc
limit 1;
