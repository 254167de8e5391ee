-- One quarantine row per rejected input line (a line with several errors keeps its first three
-- reasons and the count of the rest, within 500 characters: a 10,000-column row once made a
-- 617,761-character reason). The raw text is the whole line from dq_full_lines where DuckDB cut it
-- (at 10,000 bytes) or could not decode it; else DuckDB's csv_line. For a transcoded copy that lacks
-- the original's undecodable lines, copy line t is original line t + #{k : r_k - k < t} for the
-- removed lines r_1 < r_2 < ... ($shifts = r_k - k; empty for a file read as it is).
insert into raw.quarantine (load_id, source, file_name, line, snapshot_date, reason, raw_text, raw_bytes)
select
    $load_id,
    $source,
    $file_name,
    r.line + len(list_filter(cast($shifts as bigint[]), lambda s: s < r.line)),
    cast($snapshot_date as date),
    left(array_to_string(list_slice(list(r.error_type || ': ' || r.error_message
                                         order by r.error_type, r.byte_position), 1, 3), '; ')
         || case when count(*) > 3 then ' (and ' || (count(*) - 3) || ' more errors)' else '' end, 500),
    coalesce(any_value(f.raw_text), min(r.csv_line)),
    any_value(f.raw_bytes)
from dq_rejects as r
left join dq_full_lines as f on f.line = r.line
group by r.line;
