-- Template (dq_project.versioned): state_scope for replacing the whole state at a date: every key
-- the view shows at the date and every key of state_new.
create or replace temp table state_scope as
select {key} from {view} where as_of_date = cast($as_of_date as date)
union
select {key} from state_new;
