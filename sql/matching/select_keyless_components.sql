-- Records clustered on the previous date without a component key (versions written before
-- matching.cluster_versions.component_key existed): an incremental run cannot start from them.
select count(*) from matching.clusters
where as_of_date = cast($previous_date as date) and component_key is null;
