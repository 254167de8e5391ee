"""The asset graph, one module per warehouse schema; thin wrappers over the plain modules.

Assembled in dq_project/definitions.py; asset keys in keys.py."""
