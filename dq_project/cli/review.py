"""`dq review ...`: the steward's side of entity resolution (list the queue, record decisions).

Decisions are stored in matching.steward_decisions with who / when / why and are applied by the
next `dq run` (see dq_project.stewardship.decisions).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

review_app = typer.Typer(help="Review uncertain matches and record steward decisions.", no_args_is_help=True)

ConfigOption = Annotated[Path | None, typer.Option("--config", help="project config (default: dq.toml)")]
HomeOption = Annotated[Path | None, typer.Option("--home", help="data home (default: config / DQ_HOME)")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="acting steward (same as dq --user; default: DQ_USER, your login)")
]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="why (kept with the decision)")]


def _connect(config: Path | None, home: Path | None, command: str, by: str | None = None):
    """The role check of `dq review <command>`, a warehouse connection: (con, acting user, phone region)."""
    from dq_project.cli.access import guard
    from dq_project.settings import SettingsError, load_settings
    from dq_project.stewardship.decisions import ensure_tables
    from dq_project.warehouse.resource import connect_warehouse

    try:
        settings = load_settings(config, home=home)
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    user = guard(settings, f"review {command}", by)
    con = connect_warehouse(settings)
    ensure_tables(con)
    return con, user, _phone_region(settings)


def _phone_region(settings) -> str | None:
    """The phone region an override's phone without country code is read in: the sources' one region,
    None when they differ (the steward then gives +<country code>)."""
    regions = {source.phone_region for source in settings.sources}
    return regions.pop() if len(regions) == 1 else None


def _record(
    config: Path | None, home: Path | None, command: str, action: str, by: str | None, **kwargs
) -> None:
    from dq_project.stewardship.decisions import DecisionError, record_decision

    con, user, region = _connect(config, home, command, by)
    try:
        decision_id = record_decision(con, action, decided_by=user, phone_region=region, **kwargs)
    except DecisionError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    finally:
        con.close()
    typer.echo(f"recorded {action} as {decision_id}; applied by the next `dq run`")


@review_app.command("list")
def list_queue(
    date: Annotated[str | None, typer.Option("--date", help="as-of date (default: the latest)")] = None,
    limit: Annotated[int, typer.Option(min=1, help="rows to show")] = 20,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Show the review queue: reason, probability, masked values of both records, top match weights."""
    from dq_project.stewardship.decisions import review_list

    con, _user, _region = _connect(config, home, "list")
    try:
        frame = review_list(con, dt.date.fromisoformat(date) if date else None, limit)
    finally:
        con.close()
    if frame.is_empty():
        typer.echo("the review queue is empty")
        return
    for row in frame.iter_rows(named=True):
        typer.echo(
            f"[{row['reason']}] {row['record_key_l']} <-> {row['record_key_r']}  "
            f"p={row['match_probability']:.3f}  same entity now: {row['same_entity_now']}"
        )
        for field in (
            "name",
            "company_name",
            "mobile",
            "id_number",
            "credit_code",
            "email",
            "birth_date",
            "city",
        ):
            left, right = row[f"{field}_l"], row[f"{field}_r"]
            if left is not None or right is not None:
                typer.echo(f"    {field:<13} {left or '-':<24} {right or '-'}")
        typer.echo(f"    weights       {row['top_weights']}")


@review_app.command()
def decide(
    left: Annotated[str, typer.Option("--left", help="record key, e.g. crm:C000123")],
    right: Annotated[str, typer.Option("--right", help="the other record key")],
    merge: Annotated[
        bool, typer.Option("--merge/--keep-apart", help="merge the two records, or keep them apart")
    ],
    by: ByOption = None,
    reason: ReasonOption = None,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Decide a pair: --merge forces the two records into one entity, --keep-apart keeps them apart."""
    _record(
        config, home, "decide", "merge" if merge else "keep_apart", by, left=left, right=right, reason=reason
    )


@review_app.command()
def unmerge(
    golden_id: Annotated[str, typer.Option("--golden-id", help="the golden record to split")],
    by: ByOption = None,
    reason: ReasonOption = None,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Split a golden record into its records (each becomes its own entity)."""
    _record(config, home, "unmerge", "unmerge", by, golden_id=golden_id, reason=reason)


@review_app.command()
def override(
    golden_id: Annotated[str, typer.Option("--golden-id", help="the golden record")],
    field: Annotated[str, typer.Option("--field", help="golden field, e.g. mobile")],
    value: Annotated[str | None, typer.Option("--value", help="new value (omit to clear the field)")] = None,
    by: ByOption = None,
    reason: ReasonOption = None,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Set a golden field by hand (provenance rule 'steward_override')."""
    _record(
        config,
        home,
        "override",
        "override_field",
        by,
        golden_id=golden_id,
        field=field,
        value=value,
        reason=reason,
    )


@review_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV a steward filled in")],
    by: ByOption = None,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Import decisions from a CSV (action, record_key_l, record_key_r, golden_id, field, value, reason
    [, decided_by]); all rows are checked before any is stored."""
    from dq_project.stewardship.decisions import DecisionError, import_decisions

    con, user, region = _connect(config, home, "import", by)
    try:
        ids = import_decisions(con, file, user, phone_region=region)
    except DecisionError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    finally:
        con.close()
    typer.echo(f"imported {len(ids)} decision(s) from {file}; applied by the next `dq run`")
