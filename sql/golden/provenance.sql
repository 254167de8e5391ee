-- Per golden field: which source record's value won, and by which rule, at every date golden records
-- were built. Grain: as_of_date, golden_id, field. Stored as versions in golden.provenance_versions,
-- except for entities of one record whose values are all valid and have no steward override (about
-- 70% of the rows at 1M generated records): there every value comes from that record by consensus,
-- which their golden record says in full (golden.customer_versions.implicit_record_id, see
-- sql/golden/build_customers.sql), so those rows are derived here instead of stored.
create or replace view golden.provenance as
select d.as_of_date, v.* exclude (valid_from, valid_to)
from golden.built_dates as d
join golden.provenance_versions as v
    on v.valid_from <= d.as_of_date and (v.valid_to is null or v.valid_to > d.as_of_date)
union all by name
select
    as_of_date, golden_id, field, value, sources as source, implicit_record_id as source_record_id,
    'consensus' as rule, cast(1 as bigint) as candidates
from (
    unpivot (
        select
            d.as_of_date, c.golden_id, c.sources, c.implicit_record_id,
            c.customer_type, c.name, c.gender, cast(c.birth_date as varchar) as birth_date, c.id_number,
            c.company_name, c.credit_code, c.mobile, c.phone, c.email, c.province, c.city, c.district,
            c.address, c.owner, c.given_name, c.family_name, c.postcode, c.identifier
        from golden.built_dates as d
        join golden.customer_versions as c
            on c.valid_from <= d.as_of_date and (c.valid_to is null or c.valid_to > d.as_of_date)
        where c.implicit_record_id is not null
    )
    on customer_type, name, gender, birth_date, id_number, company_name, credit_code, mobile, phone,
       email, province, city, district, address, owner, given_name, family_name, postcode, identifier
    into name field value value
);
