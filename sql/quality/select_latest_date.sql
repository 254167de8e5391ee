-- The latest date that has golden records (the default date of exports and reports).
select max(as_of_date) from golden.built_dates;
