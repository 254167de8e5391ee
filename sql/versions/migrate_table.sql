-- Template (dq_project.warehouse.versioned): move the rows of a warehouse written before versioned storage
-- (one full copy per as_of_date in table {view}) into {versions}: each date's rows become versions
-- valid until the next date of the table, and the table gives way to the view.
insert into {dates} by name
select distinct as_of_date from {view}
where as_of_date not in (select as_of_date from {dates});
insert into {versions} by name
select t.* exclude (as_of_date), t.as_of_date as valid_from, n.next_date as valid_to
from {view} as t
join (
    select as_of_date, lead(as_of_date) over (order by as_of_date) as next_date
    from (select distinct as_of_date from {view})
) as n on n.as_of_date = t.as_of_date;
drop table {view};
