"""How `dq` talks to a person: one line per pipeline step with its time, a final summary, warnings
in one line each, and errors as one message (what happened, where, what to do).

`--quiet` keeps only warnings, errors and the summary's last line; `--debug` adds Python tracebacks
and Dagster's own log. On a terminal a long run shows a live spinner with the step that is running
(rich); in CI or when output is piped, only plain lines. Step times come from the Dagster run's
step events in the instance (`run_steps`), so they are the same however the run was launched.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    import dagster as dg

logger = logging.getLogger("dq")
WARNING_WIDTH = 160  # a warning's line on the console; the whole text goes to the log


@dataclass
class Style:
    quiet: bool = False
    debug: bool = False


style = Style()


@dataclass(frozen=True)
class StepTime:
    """One step of a run: (step, seconds, ok, error)."""

    step: str
    seconds: float
    ok: bool
    error: str | None = None


def interactive() -> bool:
    """A person at a terminal (not CI, not a pipe): live progress is worth drawing."""
    return sys.stderr.isatty() and not os.environ.get("CI") and not style.quiet


def say(message: str, **secho) -> None:
    """A normal line (left out with --quiet)."""
    if not style.quiet:
        typer.secho(message, **secho)


_warned: set[str] = set()


def warn(message: str, step: str | None = None) -> None:
    """One line per warning (the same warning once, whether Python or a step's log said it); the
    full text goes to the log."""
    logger.warning(message)
    key = " ".join(message.split())[:40]
    if key in _warned:
        return
    _warned.add(key)
    typer.secho(f"warning: {one_line(f'{step}: {message}' if step else message)}", fg="yellow", err=True)


def one_line(text: str, width: int = WARNING_WIDTH) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= width else line[: width - 1] + "…"


def fail(what: str, where: str | None = None, todo: str | None = None, code: int = 1) -> typer.Exit:
    """Print one error message and return the Exit to raise: `raise fail(...)`."""
    parts = [what] + ([f"({where})"] if where else [])
    typer.secho(" ".join(parts), fg="red", err=True)
    if todo:
        typer.secho(f"  to do: {todo}", err=True)
    return typer.Exit(code)


def dagster_log_level() -> str:
    """Dagster's console logger: its own lines only with --debug; dq prints the steps itself."""
    return "DEBUG" if style.debug else "CRITICAL"


def run_steps(instance: dg.DagsterInstance, run_id: str) -> list[StepTime]:
    """(step, seconds, ok, error) of every step of a run, in the order they started."""
    import dagster as dg

    errors = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        error = entry.dagster_event.step_failure_data.error
        errors[entry.step_key] = error_line(error)
    stats = sorted(instance.get_run_step_stats(run_id), key=lambda s: s.start_time or 0.0)
    return [
        StepTime(
            s.step_key,
            (s.end_time or time.time()) - (s.start_time or time.time()),
            s.status is not None and s.status.value == "SUCCESS",
            errors.get(s.step_key),
        )
        for s in stats
    ]


def run_warnings(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str | None, str]]:
    """The run's warnings (Dagster log messages at WARNING): (step, message), each once."""
    seen: dict[tuple[str | None, str], None] = {}
    for entry in instance.all_logs(run_id):
        if entry.level == logging.WARNING and entry.user_message and not entry.is_dagster_event:
            seen.setdefault((entry.step_key, entry.user_message))
    return list(seen)


def error_line(error) -> str:
    """The exception's own message, not Dagster's wrapper: the message of the innermost cause of a
    Dagster SerializableErrorInfo ('FileExistsError: [Errno 17] File exists: ...')."""
    if error is None:
        return "unknown error"
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return one_line(getattr(error, "message", None) or str(error), 300)


def report_run(instance: dg.DagsterInstance, run_id: str) -> None:
    """After a run: its step lines and its warnings, one line each."""
    print_steps(run_steps(instance, run_id))
    print_warnings(run_warnings(instance, run_id))


def print_steps(steps: list[StepTime]) -> None:
    """One line per step: ok/FAILED, the step, its time (the failure message names the error)."""
    for step in steps:
        mark = "ok" if step.ok else "FAILED"
        line = f"  {mark:<6} {step.step:<24} {step.seconds:6.1f}s"
        if step.ok:
            say(line)
        else:
            typer.secho(line, fg="red", err=True)


def print_warnings(warnings: list[tuple[str | None, str]]) -> None:
    for step, message in warnings:
        warn(message, step)


class Progress:
    """While a run executes: on a terminal, a spinner naming the step running and the steps done
    (polled from the instance); elsewhere nothing (the step lines follow the run)."""

    def __init__(self, instance: dg.DagsterInstance, label: str) -> None:
        self.instance, self.label = instance, label
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if interactive():
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)

    def _spin(self) -> None:
        from rich.console import Console

        started = time.time()
        with Console(stderr=True).status(self.label) as status:
            while not self._stop.wait(0.5):
                status.update(f"{self.label} · {self._running(started)} · {time.time() - started:.0f}s")

    def _running(self, started: float) -> str:
        try:
            records = self.instance.get_run_records(limit=1)
            if not records or records[0].create_timestamp.timestamp() < started - 5:
                return "starting"
            steps = self.instance.get_run_step_stats(records[0].dagster_run.run_id)
        except Exception:  # the instance is busy being written: show the time only
            return "running"
        done = sum(1 for s in steps if s.end_time)
        current = [s.step_key for s in steps if not s.end_time]
        return f"{', '.join(current) or 'next step'} ({done} done)"
