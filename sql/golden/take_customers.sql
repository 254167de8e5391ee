-- After golden.provenance is stored: the pivoted rows of sql/golden/build_customers.sql become
-- the state_new of golden.customers for dq_project.warehouse.versioned.replace_state.
alter table customers_new rename to state_new;
