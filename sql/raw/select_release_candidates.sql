-- What `release` would touch (the same match as release_quarantined_file.sql), to refuse an ambiguous key.
select source, file_name, file_hash
from raw.quarantined_files
where released_at is null
  and (file_name = $key or (length($key) >= 8 and starts_with(file_hash, lower($key))));
