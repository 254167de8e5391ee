-- Template (dq_project.matching.incremental, one UNION branch per group of blocking rules that
-- share a leading key, dq_project.matching.model.candidate_rule_groups): the cached records of a
-- customer type that a rule of the group pairs with a record of `new_features`. {rule} is the OR
-- of the group's rules, each as Splink writes its SQL for our model (l. / r. columns), never data.
select r.record_key
from matching.features as r
join new_features as l on {rule}
where r.customer_type = $customer_type and r.record_key not in (select record_key from new_features);
