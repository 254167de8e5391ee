-- Template (dq_project.matching.incremental, one UNION branch per blocking rule): the cached
-- records of a customer type that the rule pairs with a record of `new_features`. {rule} is the
-- rule's SQL as Splink writes it for our model (l. / r. columns), never data.
select r.record_key
from matching.features as r
join new_features as l on {rule}
where r.customer_type = $customer_type and r.record_key not in (select record_key from new_features);
