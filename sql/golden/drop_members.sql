-- The temp table of golden/build_members, once a build is done.
drop table if exists golden_members;
