-- Versions of golden.customers rows (valid_from until valid_to, exclusive; null = still valid).
-- implicit_record_id: the source_record_id of the entity's only record when its provenance is
-- implicit in this row and derived by the golden.provenance view instead of stored (one record,
-- every value valid, no steward override: sql/golden/build_customers.sql); else null.
create table if not exists golden.customer_versions (
    golden_id      varchar not null,
    customer_type  varchar,
    name           varchar,
    gender         varchar,
    birth_date     date,
    id_number      varchar,
    company_name   varchar,
    credit_code    varchar,
    mobile         varchar,
    phone          varchar,
    email          varchar,
    province       varchar,
    city           varchar,
    district       varchar,
    address        varchar,
    owner          varchar,
    record_count   bigint not null,
    sources        varchar not null,
    updated_at     timestamp,
    implicit_record_id varchar,
    given_name     varchar,
    family_name    varchar,
    postcode       varchar,
    identifier     varchar,
    valid_from     date not null,
    valid_to       date
);
-- warehouses created before implicit provenance
alter table golden.customer_versions add column if not exists implicit_record_id varchar;
-- the surviving attributes (sql/golden/attach_attributes.sql); warehouses created before them
alter table golden.customer_versions add column if not exists attributes json;
-- warehouses created before the international fields (issue 20)
alter table golden.customer_versions add column if not exists given_name varchar;
alter table golden.customer_versions add column if not exists family_name varchar;
alter table golden.customer_versions add column if not exists postcode varchar;
alter table golden.customer_versions add column if not exists identifier varchar;
