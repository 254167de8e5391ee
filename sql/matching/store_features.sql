-- Replace cached features (`features_frame`): all of them ($full), or those of its records.
-- dq_project.matching.snapshot writes them under dq_project.warehouse.sql.BULK_WRITE_SETTINGS: without
-- insertion order (the cache's row order means nothing; DuckDB then writes with every thread: 1M
-- rows 9 s -> 4 s) and without dictionary or FSST compression of strings (at 1M records the write takes
-- 3.7 -> 1.9 s and an incremental run's scans of the cache about 40% less, for 290 MB of cache
-- instead of 76 MB: derived data, rebuilt by every full run).
delete from matching.features
where $full or record_key in (select record_key from features_frame);
insert into matching.features by name select * from features_frame;
