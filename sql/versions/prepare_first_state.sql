-- Template (dq_project.warehouse.versioned.replace_state): a full replacement at a date where no version is
-- stored yet (a first build): every row of state_new is new, so there is nothing to compare.
create or replace temp table state_next as
select min(as_of_date) as next_date from {dates} where as_of_date > cast($as_of_date as date);
