-- Canonical schema with normalized values and, per field, its parse status
-- (ok | normalized | missing | invalid) and why (<field>_reason: null when ok/normalized, else e.g.
-- 'blank', 'placeholder:无', 'checksum', 'bad_prefix', 'impossible_date', 'domain_typo:qq.com').
-- Grain: one row per raw row; partition: snapshot_date.
create table if not exists staging.customers (
    snapshot_date          date not null,
    load_id                varchar not null,
    source                 varchar not null,
    source_record_id       varchar,
    record_key             varchar,
    row_number             bigint not null,
    customer_type          varchar,
    name                   varchar,
    gender                 varchar,
    birth_date             date,
    id_number              varchar,
    company_name           varchar,
    credit_code            varchar,
    mobile                 varchar,
    phone                  varchar,
    email                  varchar,
    province               varchar,
    city                   varchar,
    district               varchar,
    address                varchar,
    owner                  varchar,
    tags                   varchar,
    created_at             timestamp,
    updated_at             timestamp,
    given_name             varchar,
    family_name            varchar,
    postcode               varchar,
    identifier             varchar,
    id_birth_date          date,
    id_gender              varchar,
    id_region_known        boolean,
    email_suggestion       varchar,
    customer_type_status   varchar,
    name_status            varchar,
    gender_status          varchar,
    birth_date_status      varchar,
    id_number_status       varchar,
    company_name_status    varchar,
    credit_code_status     varchar,
    mobile_status          varchar,
    phone_status           varchar,
    email_status           varchar,
    province_status        varchar,
    city_status            varchar,
    district_status        varchar,
    address_status         varchar,
    owner_status           varchar,
    created_at_status      varchar,
    updated_at_status      varchar,
    given_name_status      varchar,
    family_name_status     varchar,
    postcode_status        varchar,
    identifier_status      varchar,
    customer_type_reason   varchar,
    name_reason            varchar,
    gender_reason          varchar,
    birth_date_reason      varchar,
    id_number_reason       varchar,
    company_name_reason    varchar,
    credit_code_reason     varchar,
    mobile_reason          varchar,
    phone_reason           varchar,
    email_reason           varchar,
    province_reason        varchar,
    city_reason            varchar,
    district_reason        varchar,
    address_reason         varchar,
    owner_reason           varchar,
    created_at_reason      varchar,
    updated_at_reason      varchar,
    given_name_reason      varchar,
    family_name_reason     varchar,
    postcode_reason        varchar,
    identifier_reason      varchar,
    country                varchar,
    country_status         varchar,
    country_reason         varchar
);
-- Values beyond the canonical fields ([sources.attributes], keep_unmapped): one JSON object per
-- record, blank values left out (dq_project/sources/mapping.py). Added to warehouses created before it.
alter table staging.customers add column if not exists attributes json;
-- warehouses created before the international fields (issue 20)
alter table staging.customers add column if not exists given_name varchar;
alter table staging.customers add column if not exists family_name varchar;
alter table staging.customers add column if not exists postcode varchar;
alter table staging.customers add column if not exists identifier varchar;
alter table staging.customers add column if not exists given_name_status varchar;
alter table staging.customers add column if not exists family_name_status varchar;
alter table staging.customers add column if not exists postcode_status varchar;
alter table staging.customers add column if not exists identifier_status varchar;
alter table staging.customers add column if not exists given_name_reason varchar;
alter table staging.customers add column if not exists family_name_reason varchar;
alter table staging.customers add column if not exists postcode_reason varchar;
alter table staging.customers add column if not exists identifier_reason varchar;
-- Warehouses created before the country field (issue 21) gain it. Their rows were all judged as
-- Chinese, so they read as CN (a foreign source's rows get their country when the partition is
-- staged again).
alter table staging.customers add column if not exists country varchar default 'CN';
alter table staging.customers add column if not exists country_status varchar;
alter table staging.customers add column if not exists country_reason varchar;
