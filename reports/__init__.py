"""reports/ ships in the wheel as the package data of dq_project.reportfiles; read by dq_project/reporting/report.py."""
