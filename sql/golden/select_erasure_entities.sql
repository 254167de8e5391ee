-- The entities an erasure touches (raw/build_erasure_targets), per as_of_date, with the records left.
select as_of_date, golden_id, remaining from erasure_entities order by as_of_date, golden_id;
