"""The `dq` command: the Typer app, its commands by group (pipeline, outputs, governance, and the
sub-command modules), and the entry point that turns expected failures into messages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dq_project.cli import access as cli_access
from dq_project.cli import console, errors, governance, options, outputs, pipeline
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
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="only warnings, errors and the result")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="tracebacks and Dagster's own log")] = False,
) -> None:
    """dq: data quality for customer records. Commands check the acting user's role ([access])."""
    console.style.quiet, console.style.debug = quiet, debug
    cli_access.begin(user)
    ctx.call_on_close(cli_access.end)


def main() -> None:
    """The `dq` entry point: an expected failure ends with one message (what happened, where, what
    to do) and a non-zero exit code; the traceback only with `dq --debug`."""
    debug = "--debug" in sys.argv[1:]
    console.style.debug = debug
    errors.capture_warnings()
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:
        if debug:
            raise
        message, code = errors.explain(exc, options.homes[-1] if options.homes else Path("the data home"))
        typer.secho(message, fg="red", err=True)
        raise SystemExit(code) from None


if __name__ == "__main__":
    main()
