-- golden export: the golden records of a date, for re-import into a CRM.
select * exclude (as_of_date)
from golden.customers
where as_of_date = cast($as_of_date as date)
order by golden_id;
