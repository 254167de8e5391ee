-- After a restore: the operation log and the tombstones of the warehouse that was replaced (attached
-- as `replaced`) win over the backup's. The log is append-only, so the replaced one holds every row of
-- the backup's plus what came after (and the erasure redactions of earlier rows); tombstones only grow.
-- The erasure salt is checked to be the same first (dq_project.governance.restore).
delete from audit.log where event_id in (select event_id from replaced.audit.log);
insert into audit.log select * from replaced.audit.log;
insert or ignore into raw.erasures select * from replaced.raw.erasures;
