"""`dq source check FILE`: the data engineer's first step with a new export (dq_project/sources/onboarding).

It reads a sample, says how the file is written, profiles every column (masked examples), proposes
a mapping, shows five rows mapped and normalized, and with `--write` appends the source block to the
config. With `--source` naming a configured source it reads the file as that source does and shows
that source's mapping beside the proposal.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

import typer

source_app = typer.Typer(
    help="Onboard a new export: detect, profile, propose a mapping.", no_args_is_help=True
)

ConfigOption = Annotated[Path | None, typer.Option("--config", help="project config (default: dq.toml)")]


@source_app.command("check")
def check(
    path: Annotated[Path, typer.Argument(help="an export file", exists=True, dir_okay=False)],
    source: Annotated[
        str | None, typer.Option("--source", help="source name (new, or a configured one)")
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="append the proposed [[sources]] block to the config")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Detect format, encoding, delimiter, header row and sheet; profile; propose a mapping."""
    from dq_project.cli.access import guard
    from dq_project.settings import SettingsError, config_path, load_settings
    from dq_project.sources.file_quarantine import FileProblem
    from dq_project.sources.onboarding.block import pattern_for, source_block, source_settings
    from dq_project.sources.onboarding.propose import propose
    from dq_project.sources.onboarding.sample import read_sample

    try:
        settings = load_settings(config)
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    guard(settings, "source check")
    name = source or _slug(path)
    configured = next((s for s in settings.sources if s.name == name), None)
    try:
        if configured:
            options = {"sheet": configured.sheet, "header_row": configured.header_row}
            sample = read_sample(
                path, encoding=configured.encoding, delimiter=configured.delimiter, **options
            )
        else:
            sample = read_sample(path)
    except FileProblem as exc:
        typer.secho(f"{exc}\nto do: {exc.action}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    proposal = propose(sample.frame)
    if proposal.primary_key is None:
        typer.secho(
            "no key column found (no unique, filled column): name one as primary_key", fg="red", err=True
        )
        raise typer.Exit(1)
    proposed = source_settings(name, sample, proposal, pattern_for(path))
    _print(path, sample, proposal, proposed, configured)
    if write:
        if configured:
            raise typer.BadParameter(f"source {name!r} is already configured; edit its block instead")
        target = config or config_path()
        _append(target, source_block(proposed, proposal.mapping, sample.notes))
        typer.echo(f"\nappended [[sources]] {name!r} to {target}")


def _slug(path: Path) -> str:
    stem = re.sub(r"[_-]?\d{4}-?\d{2}-?\d{2}.*$", "", path.stem).lower()
    slug = re.sub(r"[^a-z0-9_]+", "_", stem).strip("_")
    return slug if re.match(r"^[a-z]", slug) else f"source_{slug}".rstrip("_")


def _print(path: Path, sample, proposal, proposed, configured) -> None:
    from dq_project.sources.onboarding.block import preview, profile, source_block

    typer.echo(f"{path.name}: {sample.format}, encoding {sample.encoding or '-'}, delimiter "
               f"{sample.delimiter!r}, header row {sample.header_row}, sheet {sample.sheet or '-'}, "
               f"{sample.frame.height:,} sample rows")  # fmt: skip
    for note in sample.notes:
        typer.echo(f"  note: {note}")
    typer.echo("\ncolumns (fill, distinct, masked examples):")
    for row in profile(sample, proposal):
        field = f" -> {row['field']}" if row["field"] else ""
        examples = ", ".join(str(e) for e in row["examples"])
        typer.echo(f"  {row['column']!r:<32} {row['fill']:6.0%} {row['distinct']:>6}  {examples[:60]}{field}")
    typer.echo("\nproposed mapping:")
    for field, value in proposal.mapping.items():
        typer.echo(f"  {field:<17} = {value}   ({proposal.why.get(field, '')})")
    shown = configured or proposed
    typer.echo(f"\nfirst rows mapped by {'the configured' if configured else 'the proposed'} mapping "
               "(value, status):")  # fmt: skip
    for number, row in enumerate(preview(shown, sample, dt.date.today()), start=1):
        cells = "; ".join(f"{f}={v} [{s}]" for f, (v, s) in row.items())
        typer.echo(f"  {number}. {cells}")
    if configured:
        from dq_project.sources.onboarding.accuracy import plain

        differ = {f: v for f, v in proposal.mapping.items() if plain(configured.mapping.get(f)) != v}
        typer.echo(f"\nproposal differs from {configured.name!r} on: {differ or 'nothing'}")
    else:
        typer.echo("\n[[sources]] block (dq source check --write appends it):")
        typer.echo(source_block(proposed, proposal.mapping, sample.notes))


def _append(target: Path, block: str) -> None:
    """Append the block; the config must still load, else it is restored and the error shown."""
    from dq_project.settings import SettingsError, load_settings

    before = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(before.rstrip("\n") + "\n" + block, encoding="utf-8")
    try:
        load_settings(target)
    except SettingsError as exc:
        target.write_text(before, encoding="utf-8")
        typer.secho(f"the config would not load with this block; left unchanged:\n{exc}", fg="red", err=True)
        raise typer.Exit(1) from exc
