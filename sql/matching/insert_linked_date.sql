-- Register a linked date (matching.linked_dates), once.
insert into matching.linked_dates
select cast($as_of_date as date)
where not exists (select 1 from matching.linked_dates where as_of_date = cast($as_of_date as date));
