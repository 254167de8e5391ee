"""Governance: roles, the operation log, PII masking, encryption at rest, key rotation, erasure, backup
and restore."""
