-- Replace cached features (`features_frame`): all of them ($full), or those of its records. The
-- cache's row order means nothing: unordered, DuckDB writes the rows with every thread (1M rows:
-- 9 s -> 4 s).
set preserve_insertion_order = false;
delete from matching.features
where $full or record_key in (select record_key from features_frame);
insert into matching.features by name select * from features_frame;
reset preserve_insertion_order;
