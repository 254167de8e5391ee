-- The report's sample of quarantined rows: reasons cut to 300 characters (rows quarantined before
-- reasons were bounded may hold 600,000), so the page stays readable.
select source, file_name, line,
       case when length(reason) > 300 then left(reason, 300) || '...' else reason end as reason
from raw.quarantine
where snapshot_date = cast($snapshot_date as date)
order by source, file_name, line
limit $limit;
