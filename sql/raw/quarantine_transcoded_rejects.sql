-- quarantine_rejects.sql for a transcoded copy that lacks the original's undecodable lines: copy line
-- t is original line t + #{k : r_k - k < t} for the removed lines r_1 < r_2 < ... ($shifts = r_k - k).
insert into raw.quarantine
select
    $load_id,
    $source,
    $file_name,
    line + len(list_filter(cast($shifts as bigint[]), lambda s: s < line)),
    cast($snapshot_date as date),
    string_agg(error_type || ': ' || error_message, '; ' order by error_type),
    min(csv_line)
from dq_rejects
group by line;
