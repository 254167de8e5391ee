-- Template (dq_project.warehouse.versioned.replace_state): how many versions are stored at a date, and how
-- many rows temp table state_new holds.
select
    (select count(*) from {versions}
     where valid_from <= cast($as_of_date as date)
       and (valid_to is null or valid_to > cast($as_of_date as date))) as covering,
    (select count(*) from state_new) as new_rows;
