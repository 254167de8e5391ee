-- Per golden field: which source record's value won, and by which rule, at every date golden records
-- were built. Grain: as_of_date, golden_id, field. Stored as versions in golden.provenance_versions.
create or replace view golden.provenance as
select d.as_of_date, v.* exclude (valid_from, valid_to)
from golden.built_dates as d
join golden.provenance_versions as v
    on v.valid_from <= d.as_of_date and (v.valid_to is null or v.valid_to > d.as_of_date);
