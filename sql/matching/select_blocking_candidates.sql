-- Template (dq_project.matching.incremental): the cached records of a customer type that one
-- blocking rule pairs with a record of `new_features`. {rule} is the rule's SQL as Splink writes it
-- for our model (l. / r. columns), never data.
select distinct r.record_key
from matching.features as r
join new_features as l on {rule}
where r.customer_type = $customer_type and r.record_key not in (select record_key from new_features);
