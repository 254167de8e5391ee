-- Records in the feature cache, and records clustered on a date (equal when the cache is whole).
select (select count(*) from matching.features) as cached,
       (select count(*) from matching.clusters where as_of_date = cast($as_of_date as date)) as clustered;
