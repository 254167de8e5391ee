-- Whether a load landed any row at all.
select 1 from raw.customer_rows where load_id = $load_id limit 1;
