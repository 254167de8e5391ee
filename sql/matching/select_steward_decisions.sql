-- Steward decisions, oldest first; with $as_of_date only those made on or before that date: a
-- decision applies from the date it was made, so re-running or backfilling an earlier date gives
-- the history it had (README "Steward decisions over time").
select decision_id, decided_at, decided_by, action, record_key_l, record_key_r, golden_id, field, value, reason
from matching.steward_decisions
where $as_of_date is null or cast(decided_at as date) <= cast($as_of_date as date)
order by decided_at, decision_id, record_key_l;
