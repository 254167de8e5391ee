-- The pairs among the records an incremental run re-clusters (`keys_frame`, from
-- matching/select_affected_records) at or above the merge threshold: the previous date's pairs
-- between unchanged records (their stored band), and the newly scored ones (`scored_frame`, with
-- the merge_threshold of each pair's type).
select p.record_key_l, p.record_key_r, p.match_probability, p.match_weight
from matching.pairs as p
where p.as_of_date = cast($previous_date as date) and p.band = 'merge'
  and p.record_key_l in (select record_key from keys_frame)
  and p.record_key_r in (select record_key from keys_frame)
  and p.record_key_l not in (select record_key from changed_frame)
  and p.record_key_r not in (select record_key from changed_frame)
union all
select record_key_l, record_key_r, match_probability, match_weight
from scored_frame
where match_probability >= merge_threshold
  and record_key_l in (select record_key from keys_frame)
  and record_key_r in (select record_key from keys_frame)
order by record_key_l, record_key_r;
