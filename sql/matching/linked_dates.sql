-- The as_of_dates that matching was run for: the dates the views matching.pairs / matching.clusters
-- show a state at (their rows are stored as versions, see dq_project/warehouse/versioned.py). Grain: as_of_date.
create table if not exists matching.linked_dates (
    as_of_date  date not null
);
