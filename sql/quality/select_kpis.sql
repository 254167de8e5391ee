select snapshot_date, scope, kind, dimension, numerator, denominator, measure
from quality.kpi_history
where snapshot_date <= cast($snapshot_date as date)
order by snapshot_date, scope, dimension;
