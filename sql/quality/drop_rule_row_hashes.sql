drop table if exists rule_row_hashes;
drop table if exists rule_changed_keys;
