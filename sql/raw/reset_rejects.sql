drop table if exists dq_rejects;
drop table if exists dq_reject_scans;
