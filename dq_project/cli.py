"""The `dq` command: generate sample data, run the pipeline, render reports."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from dq_project import cli_access
from dq_project.cli_access import guard
from dq_project.cli_doctor import doctor
from dq_project.cli_model import model_app
from dq_project.cli_quarantine import quarantine_app
from dq_project.cli_review import review_app
from dq_project.cli_source import source_app
from dq_project.settings import PROJECT_ROOT, Settings, SettingsError, load_settings

# Commands import what they use: `dq generate` should not pay for loading Dagster and Great Expectations.

app = typer.Typer(help="dq: data quality for customer records.", no_args_is_help=True)
app.add_typer(review_app, name="review")
app.add_typer(model_app, name="model")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(source_app, name="source")
app.command("doctor")(doctor)

ConfigOption = Annotated[Path | None, typer.Option("--config", help="project config (default: dq.toml)")]
HomeOption = Annotated[Path | None, typer.Option("--home", help="data home (default: config / DQ_HOME)")]
DateOption = Annotated[str | None, typer.Option("--date", help="snapshot date YYYY-MM-DD (default: today)")]


@app.callback()
def acting_user(
    ctx: typer.Context,
    user: Annotated[
        str | None, typer.Option("--user", help="acting user (default: DQ_USER, else your login name)")
    ] = None,
) -> None:
    """dq: data quality for customer records. Commands check the acting user's role ([access])."""
    cli_access.begin(user)
    ctx.call_on_close(cli_access.end)


_homes: list[Path] = []  # the data home of this invocation, for main()'s messages


def _settings(config: Path | None, home: Path | None) -> Settings:
    try:
        settings = load_settings(config, home=home)
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    _homes.append(settings.home)
    return settings


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value!r}") from exc


@app.command()
def generate(
    rows: Annotated[int, typer.Option(min=10, help="records across all sources")] = 2000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same files)")] = 1,
    out: Annotated[
        Path, typer.Option(help="landing folder to write <source>/ files and _truth/ into")
    ] = Path("var/landing"),
    date: DateOption = None,
) -> None:
    """Write a realistic CRM + ERP export with ground truth (entities, planted defects)."""
    from dq_project.generator import generate as generate_snapshot

    started = time.perf_counter()
    with typer.progressbar(length=1, label=f"generating {rows:,} rows") as bar:
        snapshot = generate_snapshot(rows, seed, out, _date(date))
        bar.update(1)
    for source, path in snapshot.files.items():
        typer.echo(f"  {source}: {path}")
    typer.echo(f"  truth: {snapshot.truth_dir} ({snapshot.entity_count:,} entities)")
    typer.echo(f"done in {time.perf_counter() - started:.1f}s")


@app.command()
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
    from dq_project.generator import generate as generate_snapshot
    from dq_project.ingest import discover

    settings = _settings(config, home)
    guard(settings, "run")
    day = _date(date)
    if not discover(settings):
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
    from dq_project.resources import WarehouseResource, connect_warehouse
    from dq_project.runner import local_instance, run_daily

    # A missing or wrong key, or a damaged file, stops here (main() explains it), not inside an asset.
    connect_warehouse(settings).close()
    warehouse = WarehouseResource(config_path=str(config) if config else None, home=str(settings.home))
    typer.echo(f"running the pipeline for {day} (warehouse {settings.warehouse_path})")
    started = time.perf_counter()
    result = run_daily(
        warehouse,
        day,
        instance=local_instance(settings.dagster_home),
        retrain=retrain,
        full_recompute=full,
        log_level="WARNING" if quiet else "INFO",
    )
    elapsed = time.perf_counter() - started
    if not result.success:
        typer.secho(f"{day}: run failed after {elapsed:.0f}s; see the Dagster event log", fg="red", err=True)
        _explain_failure(result, settings.home)
        return False
    _print_summary(settings, day, elapsed)
    return True


def _explain_failure(result, home: Path) -> None:
    """Name the step that failed with its error, and what to do when the machine is the cause."""
    from dq_project.faults import explain_text

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
    from dq_project.file_quarantine import issues_of_date
    from dq_project.resources import connect_warehouse
    from dq_project.sql import query_sql

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


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files to land", exists=True, dir_okay=False)],
    source: Annotated[str, typer.Option(help="the configured source the files come from")],
    date: DateOption = None,
    run_pipeline: Annotated[bool, typer.Option("--run/--no-run", help="run the pipeline afterwards")] = True,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Land files for a source (copied into its landing folder), load them into raw, run their dates."""
    from dq_project.file_quarantine import shown
    from dq_project.ingest import land, load_file
    from dq_project.resources import connect_warehouse

    settings = _settings(config, home)
    guard(settings, "ingest")
    try:
        source_settings = settings.source(source)
    except SettingsError as exc:
        raise typer.BadParameter(str(exc)) from exc
    day = _date(date) if date else None
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


@app.command()
def backfill(
    start: Annotated[str, typer.Option("--from", help="first snapshot date YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last snapshot date YYYY-MM-DD")],
    retrain: Annotated[bool, typer.Option(help="retrain the Splink models on the first date")] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Re-run every daily partition from --from to --to, in date order (after a bulk import)."""
    settings = _settings(config, home)
    guard(settings, "backfill")
    first, last = _date(start), _date(end)
    if last < first:
        raise typer.BadParameter(f"--to {last} is before --from {first}")
    failed = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        if not _run_one(settings, config, day, retrain=retrain and offset == 0, quiet=True):
            failed.append(day.isoformat())
    if failed:
        typer.secho(f"{len(failed)} partition(s) failed: {', '.join(failed)}", fg="red", err=True)
        raise typer.Exit(1)


@app.command("export")
def export_command(
    what: Annotated[str, typer.Argument(help="clusters | failures | golden")],
    out: Annotated[Path, typer.Option(help="output file: .csv, .xlsx or .parquet")],
    date: Annotated[str | None, typer.Option("--date", help="as of this date (default: latest)")] = None,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Export clusters, rule failures or golden records for stewards or CRM re-import."""
    from dq_project.audit_log import log_event
    from dq_project.export import export, latest_date
    from dq_project.resources import connect_warehouse

    settings = _settings(config, home)
    guard(settings, f"export {what}")
    con = connect_warehouse(settings)
    try:
        as_of = _date(date) if date else latest_date(con)
        if as_of is None:
            typer.secho("nothing to export yet: run the pipeline first", fg="red", err=True)
            raise typer.Exit(1)
        try:
            rows = export(con, what, out, as_of)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        log_event(con, "export", target=what, snapshot_date=as_of, details={"rows": rows, "file": str(out)})
    finally:
        con.close()
    typer.echo(f"{what} as of {as_of}: {rows:,} rows -> {out}")


@app.command()
def backup(
    out: Annotated[
        Path | None, typer.Option(help="backup folder (default: <home>/backups/<timestamp>)")
    ] = None,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Write a consistent, versioned backup of the warehouse, the config and the models."""
    from dq_project.backup import BackupError, create_backup
    from dq_project.settings import config_path

    settings = _settings(config, home)
    guard(settings, "backup")
    try:
        made = create_backup(settings, config or config_path(), out)
    except BackupError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"backup written to {made.path} ({len(made.files)} files, manifest.json)")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="a backup folder written by `dq backup`")],
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Bring a backup's warehouse and models back (checked against its manifest first)."""
    from dq_project.backup import BackupError, restore_backup

    settings = _settings(config, home)
    guard(settings, "restore")
    try:
        restored, reapplied = restore_backup(settings, path)
    except BackupError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"restored {len(restored.files)} files from {path} into {settings.home}")
    if not reapplied.carried_over:
        typer.secho(
            "  the replaced warehouse did not open: the operation log since the backup is lost "
            "(erasures are re-applied from the ledger)",
            fg="yellow",
        )
    typer.echo(
        f"  {reapplied.tombstones} erasure(s) in the ledger; {len(reapplied.erased_again)} record(s) the "
        "backup still held were erased again; the restore is logged"
    )


@app.command()
def erase(
    source: Annotated[str, typer.Option(help="the configured source the record comes from")],
    record_id: Annotated[str, typer.Option("--id", help="the record's key in that source (primary key)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="count what would go; change nothing")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Erase one customer record from every warehouse table (a PIPL / GDPR request); later loads skip it."""
    from dq_project.erasure import ErasureError, erase_record
    from dq_project.resources import connect_warehouse

    settings = _settings(config, home)
    guard(settings, "erase")
    try:
        settings.source(source)
    except SettingsError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if not (yes or dry_run):
        typer.confirm(
            f"erase record {record_id!r} of {source} from the warehouse? It cannot be undone", abort=True
        )
    con = connect_warehouse(settings)
    try:
        outcome = erase_record(con, settings, source, record_id, dry_run=dry_run)
    except ErasureError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc
    finally:
        con.close()
    if not dry_run:  # deleted rows stay in the file's free blocks until it is rewritten
        from dq_project.rekey import compact_warehouse
        from dq_project.resources import warehouse_key

        compact_warehouse(settings.warehouse_path, warehouse_key(settings))
    verb = "would remove" if dry_run else "removed"
    typer.echo(f"{source} record (hash {outcome.key_hash[:12]}): {verb} {outcome.total:,} rows")
    for table, rows in outcome.rows.items():
        typer.echo(f"  {table:<28} {rows:>6,}")
    recomputed, retired = len(outcome.golden_recomputed), len(outcome.golden_retired)
    typer.echo(f"  golden records recomputed: {recomputed}, retired: {retired}")
    if outcome.already_erased:
        typer.echo("  the record was erased before; its tombstone stays")
    for name in outcome.files:
        typer.echo(f"  still in the landing file {name} (outside the warehouse; later loads skip the record)")


@app.command()
def report(
    date: DateOption = None,
    private: Annotated[
        bool,
        typer.Option(
            "--private", help="render under the config's masking policy into <home>/private/<user>/"
        ),
    ] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Render the audit report of a snapshot date from the warehouse (the shared one is always masked)."""
    from dq_project.audit_log import log_event
    from dq_project.report import render_report
    from dq_project.resources import connect_warehouse

    settings = _settings(config, home)
    private = private or not settings.report.mask_pii  # an unmasked render is never the shared report
    user = guard(settings, "report private" if private else "report")
    day = _date(date)
    con = connect_warehouse(settings)
    try:
        path = render_report(con, settings, day, private_for=user if private else None)
        if private:
            log_event(
                con,
                "private_report",
                target=str(path),
                snapshot_date=day,
                details={"masked": settings.report.mask_pii},
            )
    finally:
        con.close()
    typer.echo(f"{'private ' if private else ''}audit report: {path}")


@app.command()
def rekey(
    decrypt: Annotated[bool, typer.Option("--decrypt", help="write the warehouse unencrypted")] = False,
    keep_old: Annotated[
        bool, typer.Option("--keep-old", help="keep the previous file as warehouse.duckdb.pre-rekey")
    ] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Re-encrypt the warehouse with DQ_WAREHOUSE_NEW_KEY (current key: DQ_WAREHOUSE_KEY; none if plain)."""
    from dq_project.audit_log import log_event
    from dq_project.rekey import RekeyError, rekey_warehouse
    from dq_project.resources import open_warehouse
    from dq_project.settings import WAREHOUSE_KEY_ENV, WAREHOUSE_NEW_KEY_ENV

    settings = _settings(config, home)
    guard(settings, "rekey")
    old, new = settings.warehouse.key, settings.warehouse.new_key
    if (new is None) != decrypt:
        raise typer.BadParameter(f"set {WAREHOUSE_NEW_KEY_ENV} to the new key, or pass --decrypt (not both)")
    try:
        done = rekey_warehouse(
            settings.warehouse_path,
            old.get_secret_value() if old else None,
            new.get_secret_value() if new else None,
            keep_old=keep_old,
        )
    except RekeyError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{done.path}: {done.tables} tables, {done.rows:,} rows copied and verified under the new key")
    con = open_warehouse(done.path, key=new.get_secret_value() if new else None)
    try:
        details = {"tables": done.tables, "rows": done.rows, "encrypted": not decrypt, "kept_old": keep_old}
        log_event(con, "rekey", target=str(done.path.name), details=details)
    finally:
        con.close()
    if done.old_copy:
        typer.echo(f"the previous file is kept as {done.old_copy}: delete it once it is no longer needed")
    if decrypt:
        typer.echo(f"now unset {WAREHOUSE_KEY_ENV} and set [warehouse] encrypted = false")
    else:
        typer.echo(
            f"now set {WAREHOUSE_KEY_ENV} to the new key, unset {WAREHOUSE_NEW_KEY_ENV} and keep "
            "[warehouse] encrypted = true; backups taken before keep the old key"
        )


@app.command()
def ui(config: ConfigOption = None, home: HomeOption = None) -> None:
    """Start the Dagster UI (dagster dev) on workspace.yaml with this data home's instance."""
    from dq_project.runner import local_instance

    settings = _settings(config, home)
    guard(settings, "ui")
    local_instance(settings.dagster_home)
    env = {**os.environ, "DAGSTER_HOME": str(settings.dagster_home), "DQ_HOME": str(settings.home)}
    if config:
        env["DQ_CONFIG"] = str(config.resolve())
    workspace = PROJECT_ROOT / "workspace.yaml"
    raise typer.Exit(
        subprocess.call(
            [str(Path(sys.executable).parent / "dagster"), "dev", "-w", str(workspace)],
            env=env,
            cwd=PROJECT_ROOT,
        )
    )


def main() -> None:
    """The `dq` entry point: warehouse errors (busy, key) end with their message, not a traceback."""
    from dq_project.encryption import WarehouseKeyError
    from dq_project.faults import explain
    from dq_project.resources import WarehouseBusyError

    try:
        app()
    except (WarehouseKeyError, WarehouseBusyError) as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise SystemExit(2) from exc
    except Exception as exc:  # a full disk or a damaged warehouse: what to do, not a traceback
        explained = explain(exc, _homes[-1] if _homes else Path("the data home"))
        if explained is None:
            raise
        typer.secho(explained[0], fg="red", err=True)
        raise SystemExit(explained[1]) from exc


if __name__ == "__main__":
    main()
