"""Sample data for dq: Chinese CRM customer records from two sources (three with `web_share`), with
known truth.

`generate()` writes a crm and an erp CSV (and, with `web_share`, a web JSONL export) for one
snapshot date, plus `_truth/entities.csv` (the real customer behind every record) and
`_truth/defects.csv` (every planted defect). No dagster here.
"""

from dq_generator.snapshot import GeneratedSnapshot, generate

__all__ = ["GeneratedSnapshot", "generate"]
