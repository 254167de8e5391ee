-- How many versions each step of a state replacement writes (after versions/prepare_state):
-- changed versions to delete, their parts before the date and after its interval, new versions.
select
    (select count(*) from state_changed) as changed,
    (select count(*) from state_changed where valid_from < cast($as_of_date as date)) as before_date,
    (select count(*) from state_changed, state_next as n
     where n.next_date is not null and (valid_to is null or valid_to > n.next_date)) as after_date,
    (select count(*) from state_added) as added;
