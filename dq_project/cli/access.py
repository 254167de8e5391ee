"""The CLI's role check: every command that touches the warehouse calls `guard` first."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from dq_project.governance.access import AccessDenied
    from dq_project.settings import Settings

DENIED_EXIT_CODE = 3


_given_user: str | None = None


def begin(user: str | None) -> None:
    """`dq --user NAME ...`: remember the user named for this invocation (the root command calls it)."""
    global _given_user
    _given_user = user


def end() -> None:
    """Forget the invocation's users (the root command calls it when the command is done)."""
    import sys

    begin(None)
    if "dq_project.governance.audit_log" in sys.modules:  # nothing to forget if nothing was logged
        sys.modules["dq_project.governance.audit_log"].set_acting_user(None)


def guard(settings: Settings, command: str, user: str | None = None) -> str:
    """Check that the acting user may run `command`; returns the user, who is then recorded as the
    actor of every audit-log row the command writes. A denial is logged and exits with code 3."""
    from dq_project.governance.access import AccessDenied, acting_user, authorize
    from dq_project.governance.audit_log import set_acting_user

    given = _given_user
    if user and given and user != given:
        raise typer.BadParameter(f"--by {user!r} and --user {given!r} name different users")
    name = acting_user(user or given)
    try:
        authorize(settings, name, command)
    except AccessDenied as exc:
        _log_denied(settings, exc)
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(DENIED_EXIT_CODE) from exc
    set_acting_user(name)
    return name


def _log_denied(settings: Settings, denied: AccessDenied) -> None:
    from dq_project.governance.audit_log import log_event
    from dq_project.warehouse.resource import WarehouseBusyError, connect_warehouse

    try:
        con = connect_warehouse(settings, wait_seconds=5)
    except WarehouseBusyError:
        typer.secho("(the warehouse is busy: the denial could not be logged)", err=True)
        return
    try:
        log_event(
            con,
            "denied",
            target=denied.command,
            actor=denied.user,
            details={"role": denied.role, "required": denied.required},
        )
    finally:
        con.close()
