select * from staging.current_customers(cast($as_of_date as date)) order by record_key;
