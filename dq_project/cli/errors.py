"""Expected failures as one message each: what happened, which file, record or key, what to do.

main() hands every exception that escapes a command to `explain`; `dq --debug` re-raises instead,
so the traceback is there for whoever needs it. Python warnings are printed in one line each
(`capture_warnings`) and their full text goes to the log: the untrained-level warning of a Splink
model lists dozens of levels, which `dq model show` and the report's model section show in full.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from dq_project.cli import console

DEBUG_HINT = "`dq --debug ...` shows the traceback"


def explain(exc: BaseException, home: Path) -> tuple[str, int]:
    """(message, exit code) for an exception that escaped a command."""
    from dq_project.warehouse.faults import explain as explain_fault

    name = type(exc).__name__
    if name in ("WarehouseKeyError", "WarehouseBusyError"):
        return str(exc), 2
    explained = explain_fault(exc, home)
    if explained is not None:
        return explained
    if name == "SettingsError":
        return f"configuration error: {exc}\n  to do: fix the config file (docs/configuration.md)", 2
    if isinstance(exc, FileNotFoundError):
        return f"file not found: {exc.filename}\n  to do: check the path (and --home / --config)", 1
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename}\n  to do: check who owns it, or choose another --home", 1
    if isinstance(exc, IsADirectoryError | NotADirectoryError):
        return f"not a file: {exc.filename}\n  to do: name a file, not a folder", 1
    if isinstance(exc, OSError):
        where = f"{exc.strerror or exc}: {exc.filename or ''}"
        return f"{where}\n  to do: check the disk and the path; {DEBUG_HINT}", 1
    if type(exc).__module__.startswith("duckdb") or name.endswith(("CatalogException", "IOException")):
        return (
            f"warehouse error: {console.one_line(str(exc), 300)}\n  to do: run `dq doctor` to check the "
            f"warehouse under {home}; {DEBUG_HINT}",
            1,
        )
    return (
        f"unexpected error: {name}: {console.one_line(str(exc), 300)}\n  to do: {DEBUG_HINT}; "
        "please report it with that output",
        1,
    )


class _OneLine(logging.Handler):
    """dq_project's own log warnings (e.g. a model's untrained levels) as console warning lines."""

    def emit(self, record: logging.LogRecord) -> None:
        console.warn(record.getMessage())


def capture_warnings() -> None:
    """Every Python warning and every dq_project log warning as one console line; the full text
    to the 'dq' log (which prints nothing unless --debug)."""
    package = logging.getLogger("dq_project")
    package.handlers = [h for h in package.handlers if not isinstance(h, _OneLine)]
    package.addHandler(_OneLine(logging.WARNING))
    package.propagate = console.style.debug
    dq_log = logging.getLogger("dq")
    dq_log.handlers = [logging.StreamHandler() if console.style.debug else logging.NullHandler()]
    dq_log.propagate = False

    def show(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ARG001
        logging.getLogger("dq").info("%s: %s (%s:%s)", category.__name__, message, filename, lineno)
        if console.style.debug:
            original(message, category, filename, lineno, file, line)
        elif issubclass(category, UserWarning):
            console.warn(str(message))

    original = warnings.showwarning

    warnings.showwarning = show
