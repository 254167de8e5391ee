-- Erasure (see raw/build_erasure_targets), after the golden records of every entity the record
-- belonged to were rebuilt date by date: no version of a golden row may still name it (in stored
-- provenance, or as the record of a golden record whose provenance is implicit).
delete from golden.provenance_versions where source = $source and source_record_id = $source_record_id;
delete from golden.customer_versions where sources = $source and implicit_record_id = $source_record_id;
