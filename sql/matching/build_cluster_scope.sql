-- An incremental run's cluster scope (state_scope for dq_project.warehouse.versioned.replace_state): the
-- records of the entities it touched (`clusters_frame`); the other records keep their entity.
create or replace temp table state_scope as
select record_key from clusters_frame;
