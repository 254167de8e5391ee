"""The audit report: KPI cards, trends, alerts, masked samples (templates in reports/)."""
