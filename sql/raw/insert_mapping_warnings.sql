insert into raw.mapping_warnings
select $load_id, $source, $file_name, cast($snapshot_date as date), w.kind, w.reference, w.message
from (select unnest($kinds) as kind, unnest($references) as reference, unnest($messages) as message) as w;
