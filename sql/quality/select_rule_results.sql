select rule_id, dimension, severity, fields, threshold, evaluated, failed, failed_ratio, passed,
       description_en, description_zh
from quality.rule_results
where snapshot_date = cast($snapshot_date as date)
order by passed, severity, failed_ratio desc, rule_id;
