-- The temp tables of a state replacement, once it is written (state_scope only when scoped).
drop table state_next;
drop table state_covering;
drop table state_diff;
drop table state_changed;
drop table state_added;
drop table state_new;
drop table if exists state_scope;
