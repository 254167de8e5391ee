-- The operations of one snapshot date (or with no date) that were logged on or before it, newest first.
select logged_at, actor, action, target, details
from audit.log
where snapshot_date = cast($snapshot_date as date)
   or (snapshot_date is null and cast(logged_at as date) <= cast($snapshot_date as date))
order by logged_at desc
limit $limit;
