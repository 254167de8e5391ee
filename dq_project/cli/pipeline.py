"""`dq generate | run | ingest | backfill`: sample data, and running the pipeline on landed files."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dq_project.cli import console
from dq_project.cli.access import guard
from dq_project.cli.options import ConfigOption, DateOption, HomeOption, parse_date, settings_from

if TYPE_CHECKING:
    from dq_project.settings import Settings


def _sample_generator(why: str = "dq generate needs the sample-data generator"):
    """dq_generator.generate, or a clear exit: the generator is a separate dev tool (generator/)."""
    try:
        from dq_generator import generate as generate_snapshot
    except ImportError:
        typer.echo(
            f"{why}, and the sample-data generator is not installed. Land your exports there "
            "(see docs/configuration.md), or install the generator: pip install ./generator "
            "(make install does).",
            err=True,
        )
        raise typer.Exit(1) from None
    return generate_snapshot


def generate(
    rows: Annotated[int, typer.Option(min=10, help="records across all sources")] = 2000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same files)")] = 1,
    out: Annotated[
        Path | None,
        typer.Option(help="landing folder to write <source>/ files and _truth/ into (default: the home's)"),
    ] = None,
    date: DateOption = None,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Write a realistic CRM + ERP export with ground truth (entities, planted defects) into the data
    home's landing folder (--home, DQ_HOME or the config's), or --out."""
    generate_snapshot = _sample_generator()
    if out is None:
        out = settings_from(config, home).landing_dir

    started = time.perf_counter()
    with typer.progressbar(length=1, label=f"generating {rows:,} rows") as bar:
        snapshot = generate_snapshot(rows, seed, out, parse_date(date))
        bar.update(1)
    for source, path in snapshot.files.items():
        typer.echo(f"  {source}: {path}")
    typer.echo(f"  truth: {snapshot.truth_dir} ({snapshot.entity_count:,} entities)")
    typer.echo(f"done in {time.perf_counter() - started:.1f}s")


def run(
    date: DateOption = None,
    retrain: Annotated[bool, typer.Option(help="retrain the Splink models")] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="re-link every record and rebuild every golden record, not only what changed"
        ),
    ] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Run the whole pipeline for one snapshot date (sample data is generated if nothing has landed)."""
    settings = settings_from(config, home)  # a config error answers before the pipeline's libraries load
    guard(settings, "run")
    from dq_project.sources.ingest import discover

    day = parse_date(date)
    if not discover(settings):
        generate_snapshot = _sample_generator(f"landing folder {settings.landing_dir} is empty")
        typer.echo(
            f"landing folder {settings.landing_dir} is empty: generating {settings.demo_rows:,} sample rows"
        )
        generate_snapshot(settings.demo_rows, 1, settings.landing_dir, day)
    if not _run_one(settings, config, day, retrain=retrain, full=full):
        raise typer.Exit(1)


def _run_one(
    settings: Settings,
    config: Path | None,
    day: dt.date,
    *,
    retrain: bool,
    full: bool = False,
    quiet: bool = False,
) -> bool:
    """Run the pipeline for one date on the data home's Dagster instance; print the outcome."""
    return _launch(settings, config, day, day, retrain=retrain, full=full, quiet=quiet)


def _launch(settings: Settings, config: Path | None, first: dt.date, last: dt.date, **options) -> bool:
    """One run of the pipeline for first..last (dq_project.cli.launch), printed with this module's
    summary and failure explanation."""
    from dq_project.cli.launch import launch

    return launch(settings, config, first, last, summary=_print_summary, explain=_explain_failure, **options)


def _explain_failure(result, home: Path) -> None:
    """Name the step that failed with its error, and what to do when the machine is the cause."""
    from dq_project.warehouse.faults import explain_text

    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None) if event.is_step_failure else None
        if error is None:
            continue
        text = error.to_string()
        typer.secho(f"  failing step: {event.step_key}: {console.error_line(error)}", fg="red", err=True)
        explained = explain_text(text, home)
        rerun = f"fix the cause above and run `dq run --date {_partition(result)}` again"
        todo = explained[0] if explained else f"{rerun}; `dq ui` shows the run's full event log"
        typer.secho(f"  to do: {todo}", err=True)
        return


def _partition(result) -> str:
    tags = getattr(getattr(result, "dagster_run", None), "tags", None) or {}
    return tags.get("dagster/partition", "<date>")


def _print_summary(settings: Settings, day: dt.date, elapsed: float) -> None:
    import polars as pl

    from dq_project.sources.file_quarantine import issues_of_date
    from dq_project.warehouse.resource import connect_warehouse
    from dq_project.warehouse.sql import query_sql

    con = connect_warehouse(settings)
    try:
        kpis = query_sql(con, "quality/select_kpis", snapshot_date=day.isoformat()).pl()
        golden, records, merged = query_sql(
            con, "golden/select_summary", as_of_date=day.isoformat()
        ).fetchall()[0]
        held = issues_of_date(con, day)
        warnings = query_sql(con, "raw/select_mapping_warnings", snapshot_date=day.isoformat()).fetchall()
    finally:
        con.close()
    today = kpis.filter(
        (pl.col("snapshot_date") == day)
        & (pl.col("scope") == "overall")
        & pl.col("kind").is_in(["dimension", "score"])
    )
    console.say(f"run finished in {elapsed:.0f}s; quality of the customer base as of {day}:")
    for row in today.iter_rows(named=True):
        console.say(f"  {row['dimension']:<14} {row['measure'] * 100:6.1f}%")
    console.say(f"  {records:,} current records -> {golden:,} golden records ({merged:,} merged entities)")
    if held:
        typer.secho(
            f"  {len(held)} file(s) quarantined, not loaded (`dq quarantine list --date {day}`):", fg="yellow"
        )
        for entry in held:
            typer.echo(f"    {entry['source']}/{entry['file_name']} [{entry['kind']}]: {entry['reason']}")
    for source, file_name, _kind, _reference, message in warnings:
        console.warn(f"{source}/{file_name}: {message}")
    typer.echo(f"audit report: {settings.reports_dir / day.isoformat() / 'audit.html'}")


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files to land", exists=True, dir_okay=False)],
    source: Annotated[str, typer.Option(help="the configured source the files come from")],
    date: DateOption = None,
    run_pipeline: Annotated[bool, typer.Option("--run/--no-run", help="run the pipeline afterwards")] = True,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Land files for a source (copied into its landing folder), load them into raw, run their dates."""
    from dq_project.settings import SettingsError
    from dq_project.sources.file_quarantine import shown
    from dq_project.sources.ingest import land, load_file
    from dq_project.warehouse.resource import connect_warehouse

    settings = settings_from(config, home)
    guard(settings, "ingest")
    try:
        source_settings = settings.source(source)
    except SettingsError as exc:
        raise typer.BadParameter(str(exc)) from exc
    day = parse_date(date) if date else None
    con = connect_warehouse(settings)
    held = []
    try:
        dates = set()
        for path in paths:
            landed = land(settings, source_settings, path, day)
            outcome = load_file(con, source_settings, landed)
            dates.add(landed.snapshot_date)
            if outcome.problem:
                held.append(path.name)
            typer.echo(
                f"{path.name} -> {landed.path} ({landed.snapshot_date}): {outcome.status}, "
                f"{outcome.rows_loaded:,} rows, {outcome.rows_quarantined:,} quarantined"
            )
            if outcome.problem:
                typer.secho(
                    f"  file quarantined: {shown(outcome.problem)}\n  to do: {outcome.action}", fg="yellow"
                )
            for warning in outcome.warnings:
                typer.secho(f"  warning: {warning}", fg="yellow")
        # DuckDB checkpoints on close and ignores a failure there (a full disk): fail loudly here instead.
        con.execute("checkpoint")
    finally:
        con.close()
    if run_pipeline:
        for snapshot_date in sorted(dates):
            _run_one(settings, config, snapshot_date, retrain=False)
    if held:
        # The other files of their dates loaded (and ran); the one asked for did not: say so by the exit code.
        typer.secho(f"{len(held)} file(s) not loaded: {', '.join(held)}", fg="red", err=True)
        raise typer.Exit(1)


def backfill(
    start: Annotated[str, typer.Option("--from", help="first snapshot date YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last snapshot date YYYY-MM-DD")],
    retrain: Annotated[bool, typer.Option(help="retrain the Splink models on the first date")] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Re-run every daily partition from --from to --to, in date order, as one run (after a bulk import)."""
    settings = settings_from(config, home)
    guard(settings, "backfill")
    first, last = parse_date(start), parse_date(end)
    if last < first:
        raise typer.BadParameter(f"--to {last} is before --from {first}")
    if not _launch(settings, config, first, last, retrain=retrain, quiet=True):
        raise typer.Exit(1)
