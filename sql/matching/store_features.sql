-- Replace cached features (`features_frame`): all of them ($full), or those of its records.
delete from matching.features
where $full or record_key in (select record_key from features_frame);
insert into matching.features by name select * from features_frame;
