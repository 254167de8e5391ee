insert into matching.steward_decisions by name
select
    $decision_id as decision_id,
    cast($decided_at as timestamp) as decided_at,
    $decided_by as decided_by,
    $action as action,
    $record_key_l as record_key_l,
    $record_key_r as record_key_r,
    $golden_id as golden_id,
    $field as field,
    $value as value,
    $reason as reason,
    cast($affected_golden_ids as varchar[]) as affected_golden_ids;
