"""Options and helpers every `dq` command shares: --config, --home, --date and loading the settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from dq_project.settings import Settings

ConfigOption = Annotated[Path | None, typer.Option("--config", help="project config (default: dq.toml)")]
HomeOption = Annotated[Path | None, typer.Option("--home", help="data home (default: config / DQ_HOME)")]
DateOption = Annotated[str | None, typer.Option("--date", help="snapshot date YYYY-MM-DD (default: today)")]

homes: list[Path] = []  # the data home of this invocation, for main()'s messages


def settings_from(config: Path | None, home: Path | None) -> Settings:
    """The settings, or a config error as one message and exit code 2 (settings load lazily: `dq
    --help` does not pay for pydantic and polars)."""
    from dq_project.settings import SettingsError, load_settings

    try:
        settings = load_settings(config, home=home)
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    homes.append(settings.home)
    return settings


def parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value!r}") from exc
