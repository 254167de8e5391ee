-- Results and inserts without an ORDER BY may come in any order (dq orders what it shows). DuckDB
-- then writes large inserts with every thread: the 1M-row feature cache in 4 s instead of 9 s.
set preserve_insertion_order = false;
