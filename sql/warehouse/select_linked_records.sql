-- Records linked on the latest as_of_date (0 before the first run): trained models are expected then.
select count(*) from matching.clusters where as_of_date = (select max(as_of_date) from matching.clusters);
