-- Template (dq_project.warehouse.versioned.replace_state): a changed version that starts at the date goes
-- (the date is being computed again).
delete from {versions}
where rowid in (select version_row from state_changed where valid_from >= cast($as_of_date as date));
