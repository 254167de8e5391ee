-- The latest linked date (null when none).
select max(as_of_date) from matching.linked_dates;
