-- state_scope of a rebuild of some golden IDs (`golden_scope`, dq_project.golden.survivorship):
-- the IDs themselves, the leading key column of golden.customers and golden.provenance
-- (replace_state's `scope`), so every row of theirs the date shows is in scope. state_new holds
-- only rows of these IDs (sql/golden/build_members.sql builds the members of golden_scope only).
create or replace temp table state_scope as select distinct golden_id from golden_scope;
