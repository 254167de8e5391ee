-- The warehouse key as a session variable, read by ATTACH ... (ENCRYPTION_KEY getvariable(...)).
set variable dq_warehouse_key = $key;
