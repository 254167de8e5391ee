select count(*) from matching.review_queue where as_of_date = cast($as_of_date as date);
