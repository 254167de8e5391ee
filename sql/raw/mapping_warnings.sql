-- What a load could not map, said aloud (dq_project/sources/mapping_check.py): a mapped column absent from
-- the file or null in every row, a JSON path no record has, a header matched only loosely.
-- Column names and messages only, never values. Append-only, one row per load and finding.
create table if not exists raw.mapping_warnings (
    load_id        varchar not null,
    source         varchar not null,
    file_name      varchar not null,
    snapshot_date  date not null,
    kind           varchar not null,  -- absent | all_null | loose_header
    reference      varchar not null,  -- the column (or dotted path) as the config writes it
    message        varchar not null
);
