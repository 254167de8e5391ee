select count(*) from erased_in_load;
