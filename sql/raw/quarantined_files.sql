-- Landed files that could not be read at all, or were refused at the landing boundary (a symlink, a
-- path outside the landing folder), one row per event. Nothing of such a file is in raw; the rest of
-- its date runs without it. A file whose SHA-256 has an unreleased row here is not read again; a new
-- version of it (another SHA-256) loads normally, and `dq quarantine release` sets released_at so the
-- next run reads the same bytes again (after a config fix). Refused paths are never read: no hash.
create table if not exists raw.quarantined_files (
    source          varchar not null,
    file_name       varchar not null,
    path            varchar not null,
    file_hash       varchar,
    file_bytes      bigint,
    snapshot_date   date not null,
    kind            varchar not null,
    reason          varchar not null,
    action          varchar not null,
    quarantined_at  timestamp not null default current_timestamp,
    released_at     timestamp,
    released_by     varchar
);
