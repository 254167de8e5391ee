-- Erasure (see raw/build_erasure_targets): the golden rows of every entity the record belonged to go;
-- entities that keep records are rebuilt by build_provenance / build_customers ($golden_ids).
delete from golden.provenance as g
where exists (select 1 from erasure_entities as e where e.as_of_date = g.as_of_date and e.golden_id = g.golden_id);
delete from golden.customers as g
where exists (select 1 from erasure_entities as e where e.as_of_date = g.as_of_date and e.golden_id = g.golden_id);
