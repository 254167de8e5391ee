"""`dq export | report | ui`: what leaves the warehouse for stewards, managers and the Dagster UI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from dq_project.cli import console
from dq_project.cli.access import guard
from dq_project.cli.options import ConfigOption, DateOption, HomeOption, parse_date, settings_from


def export_command(
    what: Annotated[str, typer.Argument(help="clusters | failures | golden")],
    out: Annotated[Path, typer.Option(help="output file: .csv, .xlsx or .parquet")],
    date: Annotated[str | None, typer.Option("--date", help="as of this date (default: latest)")] = None,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Export clusters, rule failures or golden records for stewards or CRM re-import."""
    from dq_project.golden.export import export, latest_date
    from dq_project.governance.audit_log import log_event
    from dq_project.warehouse.resource import connect_warehouse
    from dq_project.warehouse.sql import query_sql

    settings = settings_from(config, home)
    guard(settings, f"export {what}")
    con = connect_warehouse(settings)
    try:
        as_of = parse_date(date) if date else latest_date(con)
        if as_of is None:
            raise console.fail("nothing to export yet: no date has a successful run", todo="run `dq run`")
        if not query_sql(con, "golden/select_built_date", as_of_date=as_of.isoformat()).fetchone()[0]:
            latest = latest_date(con)
            raise console.fail(
                f"{as_of} has no successful run: its golden records were never built",
                where=f"warehouse {settings.warehouse_path}",
                todo=f"fix that date's run and run `dq run --date {as_of}` again"
                + (f", or export the latest successful date, {latest}" if latest else ""),
            )
        try:
            rows = export(con, what, out, as_of)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        log_event(con, "export", target=what, snapshot_date=as_of, details={"rows": rows, "file": str(out)})
    finally:
        con.close()
    typer.echo(f"{what} as of {as_of}: {rows:,} rows -> {out}")


def report(
    date: DateOption = None,
    private: Annotated[
        bool,
        typer.Option(
            "--private", help="render under the config's masking policy into <home>/private/<user>/"
        ),
    ] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Render the audit report of a snapshot date from the warehouse (the shared one is always masked)."""
    from dq_project.governance.audit_log import log_event
    from dq_project.reporting.report import render_report
    from dq_project.warehouse.resource import connect_warehouse

    settings = settings_from(config, home)
    private = private or not settings.report.mask_pii  # an unmasked render is never the shared report
    user = guard(settings, "report private" if private else "report")
    day = parse_date(date)
    con = connect_warehouse(settings)
    try:
        path = render_report(con, settings, day, private_for=user if private else None)
        if private:
            log_event(
                con,
                "private_report",
                target=str(path),
                snapshot_date=day,
                details={"masked": settings.report.mask_pii},
            )
    finally:
        con.close()
    typer.echo(f"{'private ' if private else ''}audit report: {path}")


def ui(config: ConfigOption = None, home: HomeOption = None) -> None:
    """Start the Dagster UI (dagster dev) on the dq_project code location with this data home's instance."""
    from dq_project.runner import local_instance

    settings = settings_from(config, home)
    guard(settings, "ui")
    local_instance(settings.dagster_home)
    env = {**os.environ, "DAGSTER_HOME": str(settings.dagster_home), "DQ_HOME": str(settings.home)}
    if config:
        env["DQ_CONFIG"] = str(config.resolve())
    # The code location is the installed module, not workspace.yaml: the same from a wheel and a checkout.
    dagster = Path(sys.executable).parent / "dagster"
    raise typer.Exit(
        subprocess.call(
            [str(dagster), "dev", "-m", "dq_project.definitions", "-l", "dq_project"],
            env=env,
            cwd=settings.home,
        )
    )
