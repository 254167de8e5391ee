select max(as_of_date) from matching.review_queue;
