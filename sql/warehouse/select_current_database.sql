-- The name of the connection's default database (the warehouse's catalog).
select current_database();
