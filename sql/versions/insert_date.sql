-- Template (dq_project.warehouse.versioned): register a date in {dates}, once.
insert into {dates} by name
select cast($as_of_date as date) as as_of_date
where not exists (select 1 from {dates} where as_of_date = cast($as_of_date as date));
