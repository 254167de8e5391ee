-- The warehouse's erasure salt (tombstone hashes are only comparable under the same salt).
select any_value(salt) from raw.erasure_salt;
