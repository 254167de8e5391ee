"""Golden records: survivorship (one record per entity, field-level provenance) and exports."""
