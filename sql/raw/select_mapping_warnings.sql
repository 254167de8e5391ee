-- The mapping warnings of a snapshot date's loads, for the run summary and the audit report.
select source, file_name, kind, reference, message
from raw.mapping_warnings
where snapshot_date = cast($snapshot_date as date)
order by source, file_name, kind, reference;
