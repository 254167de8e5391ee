"""The `dq` command: app.py holds the Typer app; one module per command group."""
