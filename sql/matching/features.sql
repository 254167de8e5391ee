-- The matching features (dq_project.matching.features) of the current records as of the latest
-- linked date: a cache, so that an incremental run computes features only for new and changed
-- records and finds their blocking candidates here. Rebuilt by every full run. Grain: record_key.
create table if not exists matching.features (
    record_key      varchar not null,
    customer_type   varchar,
    name_chars      varchar,
    name_key        varchar,
    name_py         varchar,
    surname_py      varchar,
    name_tokens     varchar[],
    name_token_lo   varchar,
    name_token_hi   varchar,
    gender          varchar,
    birth_date      date,
    birth_digits    varchar,  -- yyyymmdd, always 8 characters (edit distances compare these)
    id_number       varchar,
    mobile          varchar,
    mobile_last8    varchar,
    email           varchar,
    email_local     varchar,
    email_domain    varchar,
    phone           varchar,
    company_core    varchar,
    credit_code     varchar,
    city            varchar,
    district        varchar,
    address         varchar,
    address_street  varchar,
    given_name      varchar,
    family_name     varchar,
    postcode        varchar,
    identifier      varchar,
    company_form    varchar,
    company_branch  varchar
);
-- Caches written before birth_digits existed (a full run fills it: the feature code's fingerprint
-- changed with it).
alter table matching.features add column if not exists birth_digits varchar;
-- Caches written before the international fields (issue 20).
alter table matching.features add column if not exists given_name varchar;
alter table matching.features add column if not exists family_name varchar;
alter table matching.features add column if not exists postcode varchar;
alter table matching.features add column if not exists identifier varchar;
alter table matching.features add column if not exists company_form varchar;
alter table matching.features add column if not exists company_branch varchar;
