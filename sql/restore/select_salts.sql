-- The erasure salts of the restored warehouse and of the one it replaced (equal for one warehouse's backups).
select (select any_value(salt) from raw.erasure_salt) as restored,
       (select any_value(salt) from replaced.raw.erasure_salt) as replaced;
