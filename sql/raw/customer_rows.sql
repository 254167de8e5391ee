-- Every input row exactly as received: all values as text in `record` (a JSON object keyed by the
-- file's own column names), plus where it came from. Append-only.
create table if not exists raw.customer_rows (
    load_id        varchar not null,
    source         varchar not null,
    file_name      varchar not null,
    row_number     bigint not null,
    snapshot_date  date not null,
    record         json not null
);
