-- Template (dq_project.warehouse.versioned.replace_state): a changed version that started before the date
-- stays valid up to it. Ended in place, not deleted and inserted again: in DuckDB 1.4 a row group
-- with deleted rows is rewritten by the first checkpoint of every later connection (0.9 s per
-- writing asset at 1M records after a few daily runs), and the UPDATE writes one column.
update {versions} set valid_to = cast($as_of_date as date)
where rowid in (select version_row from state_changed where valid_from < cast($as_of_date as date));
