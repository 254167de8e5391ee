-- Versions of golden.customers rows (valid_from until valid_to, exclusive; null = still valid).
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
    valid_from     date not null,
    valid_to       date
);
