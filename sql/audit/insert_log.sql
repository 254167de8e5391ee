insert into audit.log (event_id, logged_at, actor, action, target, snapshot_date, details)
values ($event_id, cast($logged_at as timestamp), $actor, $action, $target, cast($snapshot_date as date),
        cast($details as json));
