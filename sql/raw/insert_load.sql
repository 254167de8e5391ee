insert into raw.loads (load_id, source, file_name, file_hash, file_bytes, snapshot_date, rows_loaded,
                       rows_quarantined, rows_erased, encoding, missing_columns, extra_columns)
values (
    $load_id,
    $source,
    $file_name,
    $file_hash,
    $file_bytes,
    cast($snapshot_date as date),
    (select count(*) from raw.customer_rows where load_id = $load_id),
    (select count(*) from raw.quarantine where load_id = $load_id),
    $rows_erased,
    $encoding,
    $missing_columns,
    $extra_columns
);
