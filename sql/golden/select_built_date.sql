-- Whether golden records were built for a date (one row), and under which settings fingerprint.
select fingerprint from golden.built_dates where as_of_date = cast($as_of_date as date);
