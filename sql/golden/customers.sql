-- One row per entity with survivorship applied (see golden/provenance for why each value won), at
-- every date golden records were built. Grain: as_of_date, golden_id. Stored as versions in
-- golden.customer_versions (a build writes only the entities whose golden record changed).
create or replace view golden.customers as
select d.as_of_date, v.* exclude (valid_from, valid_to, implicit_record_id)
from golden.built_dates as d
join golden.customer_versions as v
    on v.valid_from <= d.as_of_date and (v.valid_to is null or v.valid_to > d.as_of_date);
