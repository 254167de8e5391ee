"""Steward decisions on entities (merge, split, override) as data, and what a decision may name."""
