-- Record one unreadable or refused file, unless an unreleased row already records the same content
-- (or, for a refused path that is never hashed, the same path): a re-run adds nothing.
insert into raw.quarantined_files (source, file_name, path, file_hash, file_bytes, snapshot_date, kind,
                                   reason, action)
select $source, $file_name, $path, $file_hash, $file_bytes, cast($snapshot_date as date), $kind, $reason,
       $action
where not exists (
    select 1 from raw.quarantined_files
    where source = $source and released_at is null
      and (file_hash = $file_hash or (file_hash is null and $file_hash is null and path = $path))
);
