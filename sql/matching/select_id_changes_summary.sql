select
    count(*) filter (where change = 'new') as new_ids,
    count(*) filter (where change = 'split') as splits,
    count(*) filter (where change = 'merge') as merges,
    count(*) filter (where change = 'retire') as retired
from matching.golden_id_changes
where as_of_date = cast($as_of_date as date);
