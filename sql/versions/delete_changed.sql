-- Template (dq_project.versioned.replace_state): the changed versions go.
delete from {versions} where rowid in (select version_row from state_changed);
