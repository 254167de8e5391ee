-- Whether a load stored any row (a file whose every line was quarantined has none to be blank in).
select 1 from raw.customer_rows where load_id = $load_id limit 1;
