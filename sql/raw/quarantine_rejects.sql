-- One quarantine row per rejected input line (a line with several errors keeps all reasons).
insert into raw.quarantine
select
    $load_id,
    $source,
    $file_name,
    line,
    cast($snapshot_date as date),
    string_agg(error_type || ': ' || error_message, '; ' order by error_type),
    min(csv_line)
from dq_rejects
group by line;
