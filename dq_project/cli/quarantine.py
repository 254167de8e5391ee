"""`dq quarantine ...`: the files dq could not read, or refused to read, and releasing them.

A quarantined file's bytes are not read again by later runs. Replace the file (a new SHA-256 loads
normally), or fix the source's config and `release` it so the next run of its date reads it again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

quarantine_app = typer.Typer(help="Files quarantined whole (unreadable or refused).", no_args_is_help=True)

ConfigOption = Annotated[Path | None, typer.Option("--config", help="project config (default: dq.toml)")]
HomeOption = Annotated[Path | None, typer.Option("--home", help="data home (default: config / DQ_HOME)")]


def _connect(config: Path | None, home: Path | None, command: str):
    """The role check of `dq quarantine <command>`, then (connection, acting user)."""
    from dq_project.cli.access import guard
    from dq_project.settings import SettingsError, load_settings
    from dq_project.warehouse.resource import connect_warehouse

    try:
        settings = load_settings(config, home=home)
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    user = guard(settings, f"quarantine {command}")
    return connect_warehouse(settings), user


@quarantine_app.command("list")
def list_files(
    date: Annotated[str | None, typer.Option("--date", help="only this snapshot date")] = None,
    released: Annotated[bool, typer.Option("--released", help="include released files")] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """List quarantined and refused files: source, file, SHA-256 prefix, reason and what to do."""
    import datetime as dt

    from dq_project.sources.file_quarantine import listing

    day = dt.date.fromisoformat(date) if date else None
    con, _user = _connect(config, home, "list")
    try:
        rows = listing(con, day, released)
    finally:
        con.close()
    if not rows:
        typer.echo("no quarantined files")
        return
    for row in rows:
        state = f"released by {row['released_by']}" if row["released_at"] else row["kind"]
        digest = (row["file_hash"] or "-")[:12]
        typer.echo(f"{row['snapshot_date']}  {row['source']}/{row['file_name']}  {digest}  [{state}]")
        typer.echo(f"    reason: {row['reason']}")
        typer.echo(f"    to do:  {row['action']}")


@quarantine_app.command("release")
def release_file(
    key: Annotated[str, typer.Argument(help="file name, SHA-256 or a prefix of at least 8 characters")],
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Release a quarantined file: the next run of its date reads it again (after a config fix)."""
    from dq_project.governance.audit_log import log_event
    from dq_project.sources.file_quarantine import ReleaseError, release

    con, user = _connect(config, home, "release")
    try:
        released = release(con, key, user)
        for source, name, file_hash in released:
            log_event(con, "quarantine_release", target=f"{source}/{name}", details={"file_hash": file_hash})
    except ReleaseError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    finally:
        con.close()
    for source, name, file_hash in released:
        typer.echo(
            f"released {source}/{name} ({(file_hash or 'refused path')[:12]}): the next run reads it again"
        )
