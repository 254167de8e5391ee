"""sql/ ships in the wheel as the package data of dq_project.sqlfiles; read through dq_project/warehouse/sql.py."""
