-- `staged_frame` is the normalized Arrow/Polars frame registered by the staging asset.
insert into staging.customers by name
select * from staged_frame;
