-- The temp tables of a state replacement, once it is written (a full one has no scope or copy of
-- the covering versions, a first one no diff).
drop table state_next;
drop table if exists state_covering;
drop table if exists state_changed;
drop table if exists state_added;
drop table state_new;
drop table if exists state_scope;
