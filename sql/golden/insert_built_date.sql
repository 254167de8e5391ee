-- Register a date golden records were built for, with the survivorship settings' fingerprint.
delete from golden.built_dates where as_of_date = cast($as_of_date as date);
insert into golden.built_dates values (cast($as_of_date as date), $fingerprint);
