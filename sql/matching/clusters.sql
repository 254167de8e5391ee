-- Record -> entity at every linked date. golden_id is stable across runs (see matching/build_clusters
-- and matching/golden_id_changes). Grain: as_of_date, record_key. Stored as versions (valid_from /
-- valid_to) in matching.cluster_versions, so a run writes only the records whose entity changed.
create or replace view matching.clusters as
select d.as_of_date, v.* exclude (valid_from, valid_to)
from matching.linked_dates as d
join matching.cluster_versions as v
    on v.valid_from <= d.as_of_date and (v.valid_to is null or v.valid_to > d.as_of_date);
