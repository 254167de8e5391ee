-- The cached features (matching.features) of the records in `keys_frame`.
select f.* from matching.features as f semi join keys_frame using (record_key) order by f.record_key;
