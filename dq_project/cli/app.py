"""The `dq` command: the Typer app, its commands by group (pipeline, outputs, governance, and the
sub-command modules), and the entry point that turns expected failures into messages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dq_project.cli import access as cli_access
from dq_project.cli import governance, options, outputs, pipeline
from dq_project.cli.doctor import doctor
from dq_project.cli.model import model_app
from dq_project.cli.quarantine import quarantine_app
from dq_project.cli.review import review_app
from dq_project.cli.source import source_app

# Commands import what they use: `dq generate` should not pay for loading Dagster and Great Expectations.

app = typer.Typer(help="dq: data quality for customer records.", no_args_is_help=True)
app.command()(pipeline.generate)
app.command()(pipeline.run)
app.command()(pipeline.ingest)
app.command()(pipeline.backfill)
app.command("export")(outputs.export_command)
app.command()(outputs.report)
app.command()(outputs.ui)
app.command()(governance.backup)
app.command()(governance.restore)
app.command()(governance.erase)
app.command()(governance.rekey)
app.command("doctor")(doctor)
app.add_typer(review_app, name="review")
app.add_typer(model_app, name="model")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(source_app, name="source")


@app.callback()
def acting_user(
    ctx: typer.Context,
    user: Annotated[
        str | None, typer.Option("--user", help="acting user (default: DQ_USER, else your login name)")
    ] = None,
) -> None:
    """dq: data quality for customer records. Commands check the acting user's role ([access])."""
    cli_access.begin(user)
    ctx.call_on_close(cli_access.end)


def main() -> None:
    """The `dq` entry point: warehouse errors (busy, key) end with their message, not a traceback."""
    from dq_project.governance.encryption import WarehouseKeyError
    from dq_project.warehouse.faults import explain
    from dq_project.warehouse.resource import WarehouseBusyError

    try:
        app()
    except (WarehouseKeyError, WarehouseBusyError) as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise SystemExit(2) from exc
    except Exception as exc:  # a full disk or a damaged warehouse: what to do, not a traceback
        explained = explain(exc, options.homes[-1] if options.homes else Path("the data home"))
        if explained is None:
            raise
        typer.secho(explained[0], fg="red", err=True)
        raise SystemExit(explained[1]) from exc


if __name__ == "__main__":
    main()
