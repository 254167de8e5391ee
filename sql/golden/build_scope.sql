-- Template (dq_project.matching.survivorship): state_scope of a rebuild of some golden IDs
-- (`golden_scope`) in {view}: their rows the date shows, and every row of state_new.
create or replace temp table state_scope as
select {key}
from {view}
where as_of_date = cast($as_of_date as date) and golden_id in (select golden_id from golden_scope)
union
select {key} from state_new;
