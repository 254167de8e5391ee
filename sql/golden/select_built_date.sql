-- Whether golden records were built for a date (its run got through the golden step): the dates an
-- export may be taken of.
select count(*) > 0 from golden.built_dates where as_of_date = cast($as_of_date as date);
