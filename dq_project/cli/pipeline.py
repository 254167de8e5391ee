"""`dq generate | run | ingest | backfill`: sample data, and running the pipeline on landed files."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from dq_project.cli.access import guard
from dq_project.cli.options import ConfigOption, DateOption, HomeOption, parse_date, settings_from
from dq_project.settings import Settings, SettingsError


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
        Path, typer.Option(help="landing folder to write <source>/ files and _truth/ into")
    ] = Path("var/landing"),
    date: DateOption = None,
) -> None:
    """Write a realistic CRM + ERP export with ground truth (entities, planted defects)."""
    generate_snapshot = _sample_generator()

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
    from dq_project.sources.ingest import discover

    settings = settings_from(config, home)
    guard(settings, "run")
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


def _launch(
    settings: Settings,
    config: Path | None,
    first: dt.date,
    last: dt.date,
    *,
    retrain: bool,
    full: bool = False,
    quiet: bool = False,
) -> bool:
    """One run of the pipeline job of `defs` for the dates first..last (dq_project.runner), under
    the data home's run lock and on its Dagster instance; print the outcome.

    The run lock is taken first, so a run that has to wait says so (who holds the lock, since
    when) and says when it gets it. When a date of a range fails, the later dates stop there; the
    dates before it, which the failed run validated but could not finish, get a second run of the
    assets the first one did not materialize, so they end as a per-date run would leave them."""
    from dq_project.runner import local_instance, run_dates
    from dq_project.warehouse.lock import run_lock_held
    from dq_project.warehouse.resource import WarehouseResource, connect_warehouse, log_lock_takeover

    warehouse = WarehouseResource(config_path=str(config) if config else None, home=str(settings.home))
    span = str(first) if first == last else f"{first}..{last}"
    taken_over: list[str] = []

    def notify(message: str) -> None:
        typer.secho(message, fg="yellow", err=True)
        if message.startswith("taking over"):
            taken_over.append(message)

    with run_lock_held(settings.home, warehouse.run_lock_wait_seconds, f"dq {span}", notify):
        # A missing or wrong key, or a damaged file, stops here (main() explains it), not inside an asset.
        connect_warehouse(settings).close()
        if taken_over:
            log_lock_takeover(settings, f"dq {span}", taken_over[0])
        instance = local_instance(settings.dagster_home)
        typer.echo(f"running the pipeline for {span} (warehouse {settings.warehouse_path})")
        started = time.perf_counter()
        options = {"instance": instance, "log_level": "WARNING" if quiet else "INFO"}
        result = run_dates(warehouse, first, last, retrain=retrain, full_recompute=full, **options)
        elapsed = time.perf_counter() - started
        if result.success:
            _print_summary(settings, last, elapsed)
            return True
        failed = _failed_date(result, first, last)
        typer.secho(f"{failed}: run failed after {elapsed:.0f}s", fg="red", err=True)
        _explain_failure(result, settings.home)
        if failed > first:
            _finish_before(result, warehouse, first, failed - dt.timedelta(days=1), options)
        if failed < last:
            typer.secho(
                f"  {failed} and the {(last - failed).days} date(s) after it have no golden records "
                f"or reports; fix the cause, then: dq backfill --from {failed} --to {last}",
                fg="red",
                err=True,
            )
        return False


def _failed_date(result, first: dt.date, last: dt.date) -> dt.date:
    """The date a failed run stopped at: named by a failing blocking check or by the failed step's
    error (dq_project.partitions.each_date annotates it); the first date when neither says."""
    import dagster as dg

    if first == last:
        return first
    dates = [
        day
        for check in result.get_asset_check_evaluations()
        if not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
        for day in check.metadata.get("dates_failed", dg.MetadataValue.json([])).value
    ]
    for event in result.get_step_failure_events():
        found = re.search(
            r"snapshot date (\d{4}-\d\d-\d\d) failed", event.event_specific_data.error.to_string()
        )
        dates += [found.group(1)] if found else []
    return min((dt.date.fromisoformat(d) for d in dates), default=first)


def _finish_before(result, warehouse, first: dt.date, last: dt.date, options: dict) -> None:
    """Run the assets the failed range run did not materialize for first..last (the dates before
    the failed one): the others already hold those dates."""
    from dq_project.runner import pipeline_job, run_dates

    done = {event.asset_key for event in result.get_asset_materialization_events()}
    todo = [key for key in pipeline_job().asset_layer.executable_asset_keys if key not in done]
    span = str(first) if first == last else f"{first}..{last}"
    typer.echo(f"finishing {span}, the dates before the failed one")
    again = run_dates(warehouse, first, last, asset_selection=todo, **options)
    if not again.success:
        typer.secho(f"{span}: failed as well", fg="red", err=True)
        _explain_failure(again, Path(warehouse.home))
    else:
        typer.echo(f"  {span}: done")


def _explain_failure(result, home: Path) -> None:
    """Name the step that failed with its error, and what to do when the machine is the cause."""
    from dq_project.warehouse.faults import explain_text

    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None) if event.is_step_failure else None
        if error is None:
            continue
        text = error.to_string()
        typer.secho(f"  {event.step_key} failed: {text.strip().splitlines()[0][:300]}", fg="red", err=True)
        explained = explain_text(text, home)
        if explained:
            typer.secho(f"  {explained[0]}", fg="red", err=True)
        return


def _print_summary(settings: Settings, day: dt.date, elapsed: float) -> None:
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
    typer.echo(f"\nrun finished in {elapsed:.0f}s")
    for row in today.iter_rows(named=True):
        typer.echo(f"  {row['dimension']:<14} {row['measure'] * 100:6.1f}%")
    typer.echo(f"  {records:,} current records -> {golden:,} golden records ({merged:,} merged entities)")
    if held:
        typer.secho(
            f"  {len(held)} file(s) quarantined, not loaded (`dq quarantine list --date {day}`):", fg="yellow"
        )
        for entry in held:
            typer.echo(f"    {entry['source']}/{entry['file_name']} [{entry['kind']}]: {entry['reason']}")
    for source, file_name, _kind, _reference, message in warnings:
        typer.secho(f"  warning: {source}/{file_name}: {message}", fg="yellow")
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
