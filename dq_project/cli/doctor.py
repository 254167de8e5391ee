"""`dq doctor`: the data home's health, one line per check with what to do (dq_project.warehouse.doctor)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dq_project.cli.access import guard

if TYPE_CHECKING:
    from dq_project.settings import Settings


def doctor(
    config: Annotated[Path | None, typer.Option("--config", help="project config (default: dq.toml)")] = None,
    home: Annotated[Path | None, typer.Option("--home", help="data home (default: config / DQ_HOME)")] = None,
) -> None:
    """Check the warehouse (opens, integrity), the run lock, the models and the landing folders."""
    from dq_project.cli.options import settings_from
    from dq_project.warehouse.doctor import diagnose

    settings: Settings = settings_from(config, home)
    guard(settings, "doctor")
    findings = diagnose(settings)
    for finding in findings:
        mark = "ok  " if finding.ok else "FAIL"
        typer.secho(f"{mark} {finding.check:<10} {finding.message}", fg=None if finding.ok else "red")
        if finding.todo and not finding.ok:
            typer.echo(f"     to do: {finding.todo}")
    if not all(f.ok for f in findings):
        raise typer.Exit(1)
