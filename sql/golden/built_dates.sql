-- The as_of_dates golden records were built for (the dates the views golden.customers and
-- golden.provenance show a state at), with the fingerprint of the survivorship settings used: a
-- build under other settings recomputes every entity (null: rows stored outside a build). Grain:
-- as_of_date.
create table if not exists golden.built_dates (
    as_of_date   date not null,
    fingerprint  varchar
);
