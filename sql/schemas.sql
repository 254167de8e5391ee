create schema if not exists raw;
create schema if not exists staging;
create schema if not exists quality;
create schema if not exists matching;
create schema if not exists golden;
create schema if not exists audit;
