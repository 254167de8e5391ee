"""Who may do what at the CLI: a role per user from the config's [access] table, a minimum role per
command. Roles are ordered (settings.ROLES): each may do what the ones before it may."""

from __future__ import annotations

from dq_project.governance.audit_log import os_login
from dq_project.settings import ROLES, Settings, env_user

# Minimum role per command. Exports and backups hold unmasked customer data; restore and erase
# destroy data. A command missing here needs admin (fail closed).
PERMISSIONS: dict[str, str] = {
    "report": "viewer", "doctor": "viewer", "review list": "viewer", "quarantine list": "viewer",
    "model show": "viewer", "report private": "steward", "review decide": "steward",
    "review unmerge": "steward", "review override": "steward", "review import": "steward",
    "export clusters": "steward", "export failures": "steward",
    "run": "engineer", "ingest": "engineer", "backfill": "engineer", "model train": "engineer",
    "export golden": "engineer", "backup": "engineer", "ui": "engineer",
    "quarantine release": "engineer", "source check": "engineer",
    "restore": "admin", "erase": "admin", "rekey": "admin",
}  # fmt: skip


class AccessDenied(PermissionError):
    """The acting user's role does not allow the command."""

    def __init__(self, user: str, role: str, command: str, required: str) -> None:
        super().__init__(
            f"permission denied: {user!r} has role {role!r}; `dq {command}` needs {required!r} or "
            f"higher (roles: {', '.join(ROLES)}; set them under [access] in the config)"
        )
        self.user, self.role, self.command, self.required = user, role, command, required


def acting_user(explicit: str | None = None) -> str:
    """The user dq acts for: `explicit` (--user), else DQ_USER, else the operating-system login."""
    return explicit or env_user() or os_login()


def required_role(command: str) -> str:
    return PERMISSIONS.get(command, "admin")


def authorize(settings: Settings, user: str, command: str) -> str:
    """The user's role if it allows the command; raises AccessDenied otherwise."""
    role, required = settings.access.role(user), required_role(command)
    if ROLES.index(role) < ROLES.index(required):
        raise AccessDenied(user, role, command, required)
    return role
