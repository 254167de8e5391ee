-- Template (dq_project.warehouse.versioned.store_state): state_new and state_scope from `state_frame`.
create or replace temp table state_new as select {key}, {values} from state_frame;
create or replace temp table state_scope as select {key} from state_new;
