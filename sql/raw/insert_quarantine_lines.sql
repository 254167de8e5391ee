-- Quarantine lines a reader rejected itself (undecodable bytes, broken JSON), given as parallel lists.
insert into raw.quarantine (load_id, source, file_name, line, snapshot_date, reason, raw_text, raw_bytes)
select
    $load_id,
    $source,
    $file_name,
    unnest(cast($lines as bigint[])),
    cast($snapshot_date as date),
    unnest(cast($reasons as varchar[])),
    unnest(cast($raw_texts as varchar[])),
    unnest(cast($raw_bytes as blob[]));
