"""`dq source check`: onboarding a new export. Detect how the file is written (sample.py), profile
and propose a mapping onto the canonical fields from header synonyms and value shapes (propose.py,
synonyms.toml), and show it mapped and normalized, or write it as a `[[sources]]` block (block.py).

Deterministic: the same file gives the same proposal (no sampling at random, ties broken by column
order). It reads a bounded sample (SAMPLE_ROWS rows), never loads anything into the warehouse.
"""
