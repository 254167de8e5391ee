-- Each rule's failing ratio on every validated date up to the report's date (the rules' trend lines).
select rule_id, snapshot_date, failed_ratio as measure
from quality.rule_results
where snapshot_date <= cast($snapshot_date as date)
order by rule_id, snapshot_date;
