select decision_id, decided_at, decided_by, action, record_key_l, record_key_r, golden_id, field, value, reason
from matching.steward_decisions
order by decided_at, decision_id, record_key_l;
