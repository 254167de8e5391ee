-- Erasure: earlier log rows keep their place but no longer name the erased record key (steward
-- decisions are logged with the record keys they concern). The only update ever made to audit.log.
update audit.log
set target = array_to_string(
    list_transform(string_split(target, '|'), lambda t: if(t = $record_key, '[erased]', t)), '|')
where list_contains(string_split(target, '|'), $record_key);
