-- The previous linked date (the latest before this one) and the fingerprint it was linked with;
-- no row when there is none, or it predates matching.runs.
select r.as_of_date, r.fingerprint
from matching.runs as r
where r.as_of_date = (
    select max(as_of_date) from matching.linked_dates where as_of_date < cast($as_of_date as date)
);
