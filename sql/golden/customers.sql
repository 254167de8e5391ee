-- One row per entity with survivorship applied (see golden/provenance for why each value won).
create table if not exists golden.customers (
    as_of_date     date not null,
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
    updated_at     timestamp
);
