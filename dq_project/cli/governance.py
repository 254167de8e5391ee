"""`dq backup | restore | erase | rekey`: the data home's safety commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dq_project.cli.access import guard
from dq_project.cli.options import ConfigOption, HomeOption, settings_from


def backup(
    out: Annotated[
        Path | None, typer.Option(help="backup folder (default: <home>/backups/<timestamp>)")
    ] = None,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Write a consistent, versioned backup of the warehouse, the config and the models."""
    from dq_project.governance.backup import BackupError, create_backup
    from dq_project.settings import config_path

    settings = settings_from(config, home)
    guard(settings, "backup")
    try:
        made = create_backup(settings, config or config_path(), out)
    except BackupError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"backup written to {made.path} ({len(made.files)} files, manifest.json)")


def restore(
    path: Annotated[Path, typer.Argument(help="a backup folder written by `dq backup`")],
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Bring a backup's warehouse and models back (checked against its manifest first)."""
    from dq_project.governance.backup import BackupError, restore_backup

    settings = settings_from(config, home)
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


def erase(
    source: Annotated[str, typer.Option(help="the configured source the record comes from")],
    record_id: Annotated[str, typer.Option("--id", help="the record's key in that source (primary key)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="count what would go; change nothing")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Erase one customer record from every warehouse table (a PIPL / GDPR request); later loads skip it."""
    from dq_project.governance.erasure import ErasureError, erase_record
    from dq_project.warehouse.resource import connect_warehouse

    settings = settings_from(config, home)
    guard(settings, "erase")
    from dq_project.settings import SettingsError

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
        from dq_project.governance.rekey import compact_warehouse
        from dq_project.warehouse.resource import warehouse_key

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


def rekey(
    decrypt: Annotated[bool, typer.Option("--decrypt", help="write the warehouse unencrypted")] = False,
    keep_old: Annotated[
        bool, typer.Option("--keep-old", help="keep the previous file as warehouse.duckdb.pre-rekey")
    ] = False,
    config: ConfigOption = None,
    home: HomeOption = None,
) -> None:
    """Re-encrypt the warehouse with DQ_WAREHOUSE_NEW_KEY (current key: DQ_WAREHOUSE_KEY; none if plain)."""
    from dq_project.governance.audit_log import log_event
    from dq_project.governance.rekey import RekeyError, rekey_warehouse
    from dq_project.settings import WAREHOUSE_KEY_ENV, WAREHOUSE_NEW_KEY_ENV
    from dq_project.warehouse.resource import open_warehouse

    settings = settings_from(config, home)
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
