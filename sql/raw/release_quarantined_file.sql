-- Release the unreleased quarantine rows of a file: by its full SHA-256, a SHA-256 prefix of at least
-- 8 characters, or its file name. The next run reads the file again.
update raw.quarantined_files
set released_at = current_timestamp, released_by = $released_by
where released_at is null
  and (file_name = $key or (length($key) >= 8 and starts_with(file_hash, lower($key))));
