"""`dq model ...`: retrain the Splink models on the current records, keeping every version."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Annotated

import typer

from dq_project.cli.access import guard

model_app = typer.Typer(
    help="Manage the Splink models (saved as JSON under <home>/models).", no_args_is_help=True
)


def archive_name(path: Path, stamp: dt.datetime) -> Path:
    """models/splink_person.json -> models/splink_person.20261123T154100.json"""
    return path.with_name(f"{path.stem}.{stamp:%Y%m%dT%H%M%S}{path.suffix}")


@model_app.command("train")
def train(
    date: Annotated[
        str | None, typer.Option("--date", help="train on records as of this date (default: today)")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config")] = None,
    home: Annotated[Path | None, typer.Option("--home")] = None,
) -> None:
    """Retrain the person and company models; the new JSON is used by every later run. Steward
    merge / keep-apart decisions are the training labels (counts printed and logged)."""
    from dq_project.governance.audit_log import log_event
    from dq_project.matching import CUSTOMER_TYPES, model_path
    from dq_project.matching.labels import save_label_report
    from dq_project.matching.model import train_model_with_labels
    from dq_project.matching.model_meta import save_meta
    from dq_project.settings import SettingsError, load_settings
    from dq_project.stewardship.decisions import load_decisions
    from dq_project.warehouse.resource import connect_warehouse
    from dq_project.warehouse.sql import query_sql

    try:
        settings = load_settings(config, home=home)
    except SettingsError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from exc
    guard(settings, "model train")
    as_of = dt.date.fromisoformat(date) if date else dt.date.today()
    con = connect_warehouse(settings)
    try:
        records = query_sql(con, "staging/select_current_customers", as_of_date=as_of.isoformat()).pl()
        decisions = load_decisions(con)
    finally:
        con.close()
    if records.is_empty():
        typer.secho(f"no staged records as of {as_of}: run the pipeline first", fg="red", err=True)
        raise typer.Exit(1)
    match_settings = settings.matching
    stamp = dt.datetime.now(dt.UTC)
    for customer_type in CUSTOMER_TYPES:
        started = time.perf_counter()
        count = int((records["customer_type"] == customer_type).sum())
        if count < match_settings.min_training_records:
            typer.echo(
                f"{customer_type}: {count} records, fewer than "
                f"{match_settings.min_training_records}: not trained"
            )
            continue
        trained = train_model_with_labels(records, customer_type, match_settings, decisions)
        model, labels = trained.model, trained.report
        path = model_path(settings.models_dir, customer_type)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(model, ensure_ascii=False, indent=2)
        for target in (archive_name(path, stamp), path):
            target.write_text(text, encoding="utf-8")
            save_label_report(labels, target)
            save_meta(target, trained.meta)
        seconds = time.perf_counter() - started
        typer.echo(f"{customer_type}: trained in {seconds:.1f}s -> {path}")
        typer.echo(f"{customer_type}: steward labels: {labels.summary()}")
        chosen = trained.meta["thresholds"]
        typer.echo(
            f"{customer_type}: merge at {chosen['merge_threshold']}, "
            f"review from {chosen['review_threshold']} "
            f"({chosen['reason']})"
        )
        con = connect_warehouse(settings)
        try:
            log_event(
                con,
                "model_train",
                target=customer_type,
                snapshot_date=as_of,
                details={
                    "model": path.name,
                    "records": records.height,
                    "seconds": round(seconds, 1),
                    "labels": labels.as_dict(),
                },
            )
        finally:
            con.close()


@model_app.command("show")
def show(
    customer_type: Annotated[
        str | None, typer.Option("--type", help="person or company (default: both)")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config")] = None,
    home: Annotated[Path | None, typer.Option("--home")] = None,
) -> None:
    """Explain the saved models: training size, the thresholds chosen and why, the comparisons and
    blocking rules derived from the data, every level's m and u, and levels never observed."""
    from dq_project.matching import CUSTOMER_TYPES, model_path
    from dq_project.matching.model_meta import describe
    from dq_project.settings import SettingsError, load_settings

    try:
        settings = load_settings(config, home=home)
    except SettingsError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from exc
    guard(settings, "model show")
    shown = 0
    for kind in [customer_type] if customer_type else CUSTOMER_TYPES:
        path = model_path(settings.models_dir, kind)
        if not path.exists():
            typer.echo(f"{kind}: no model (trained by the next run with enough records, or `dq model train`)")
            continue
        typer.echo("\n".join(describe(path, kind)))
        shown += 1
    if not shown:
        raise typer.Exit(1)
