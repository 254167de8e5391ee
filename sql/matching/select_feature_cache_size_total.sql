-- Records in the feature cache (= the current records once a run has written it).
select count(*) from matching.features;
