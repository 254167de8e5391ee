-- Rejected lines whose csv_line DuckDB cut (it keeps 10,000 bytes) or could not decode: their byte
-- position and the kept length, so the reader can take the whole line from the file.
select line, min(line_byte_position), max(octet_length(encode(csv_line)))
from dq_rejects
group by line
having max(octet_length(encode(csv_line))) >= 9990 or bool_or(error_type = 'INVALID ENCODING')
order by line;
