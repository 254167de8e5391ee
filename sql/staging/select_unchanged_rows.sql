-- Today's rows (`today_hashes`, registered: record_key, raw_hash, load_id, row_number) of one source whose raw
-- row hash and staging fingerprint equal those of the previous staged date, and whose staged row
-- there does not depend on the date: a birth date, ID number or identifier that was not accepted
-- (a future date, say) may be accepted on a later date, so such rows are staged again.
select t.record_key, t.load_id, t.row_number
from today_hashes as t
join staging.row_hashes as h
  on h.record_key = t.record_key and h.raw_hash = t.raw_hash
join staging.customers as s
  on s.record_key = t.record_key and s.snapshot_date = h.snapshot_date and s.source = h.source
where h.snapshot_date = cast($previous_date as date) and h.source = $source
  and h.fingerprint = $fingerprint
  and coalesce(s.birth_date_status, 'missing') in ('ok', 'normalized', 'missing')
  and coalesce(s.id_number_status, 'missing') in ('ok', 'normalized', 'missing')
  and coalesce(s.identifier_status, 'missing') in ('ok', 'normalized', 'missing');
