-- Splink pairwise predictions above the pair floor, with the per-comparison match weights that
-- decided them, at every linked date. Grain: as_of_date, record_key_l, record_key_r. Stored as
-- versions in matching.pair_versions (a run writes only the pairs it scored anew).
create or replace view matching.pairs as
select d.as_of_date, v.* exclude (valid_from, valid_to)
from matching.linked_dates as d
join matching.pair_versions as v
    on v.valid_from <= d.as_of_date and (v.valid_to is null or v.valid_to > d.as_of_date);
