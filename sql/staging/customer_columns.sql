-- The columns of staging.customers, in table order.
select column_name from (describe staging.customers);
