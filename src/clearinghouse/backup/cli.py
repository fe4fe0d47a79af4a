"""`clearinghouse backup`, `restore` and `db copy-to`: a thin shell over the backup services."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearinghouse.backup import restore as restore_service
from clearinghouse.backup import service, transfer
from clearinghouse.cli.context import emit_json, emit_record, err_console, fail
from clearinghouse.core.errors import DomainError
from clearinghouse.core.settings import get_settings

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]
SECRET_WARNING = (
    "The archive holds the private signing keys and every party's data: keep it as secret as "
    "the keys themselves (it is readable by you only)."
)


def backup(
    archive: Annotated[Path, typer.Argument(help="The archive to write, e.g. backup.tar.gz")],
    force: Annotated[bool, typer.Option("--force", help="Replace the archive if it exists")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write one archive (tar.gz) of the database, the signing keys and the stored files.

    Safe while the server runs: the database copy is a consistent snapshot (SQLite's online
    backup, or pg_dump for PostgreSQL). The archive holds private keys: keep it secret.
    """
    try:
        report = service.create_backup(get_settings(), archive, overwrite=force)
    except DomainError as exc:
        fail(exc)
    err_console.print(f"[yellow]{SECRET_WARNING}[/yellow]")
    if report.manifest.missing_files:
        err_console.print(
            f"[yellow]{len(report.manifest.missing_files)} file(s) the database refers to were "
            "not in the file store (listed as missing_files)[/yellow]"
        )
    if as_json:
        emit_json(report.summary())
    else:
        emit_record(report.summary(), "backup written")


def restore(
    archive: Annotated[Path, typer.Argument(help="An archive written by `clearinghouse backup`")],
    data_dir: Annotated[
        Path | None, typer.Option(help="Restore into this data directory (default: the configured one)")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="PostgreSQL archives: the empty database to restore into")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a non-empty target (the old data dir is kept)")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only check the archive's checksums; write nothing")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Restore an archive into a new data directory (and, for PostgreSQL, an empty database).

    Every checksum is checked before anything is written; the data is restored beside the target
    and renamed into place, so a failed restore changes nothing. Stop the server first.
    """
    updates: dict[str, object] = {}
    if data_dir is not None:
        updates["data_dir"] = data_dir
    if database_url is not None:
        updates["database_url"] = database_url
    settings = get_settings().model_copy(update=updates)
    try:
        if dry_run:
            out = service.summary(service.check_archive(archive)) | {"checked": True}
        else:
            out = restore_service.restore_backup(archive, settings, force=force).summary()
    except DomainError as exc:
        fail(exc)
    if as_json:
        emit_json(out)
    else:
        emit_record(out, "archive checked" if dry_run else "restored")


def copy_to_postgres(
    database_url: Annotated[
        str, typer.Option(help="The new, empty PostgreSQL database, e.g. postgresql://user@host/clearinghouse")
    ],
    batch_rows: Annotated[int, typer.Option(min=1, max=100_000, help="Rows written per batch")] = 1000,
    as_json: JsonOpt = False,
) -> None:
    """Copy this installation's SQLite database into an empty PostgreSQL database, and check it.

    The target is migrated to the same schema, every table copied in one transaction, its
    sequences and search index rebuilt, then row counts, ledger balances and a certificate
    compared. The SQLite database is only read. Signing keys and stored files stay in the data
    directory. Stop the server first; then set CLEARINGHOUSE_DATABASE_URL to the new database.
    """
    def progress(table: str, rows: int) -> None:
        err_console.print(f"copied {table}: {rows:,} rows")

    try:
        report = transfer.copy_to_postgres(get_settings(), database_url, batch_rows=batch_rows,
                                           on_table=None if as_json else progress)
    except DomainError as exc:
        fail(exc)
    out = report.summary()
    if as_json:
        emit_json(out)
    else:
        emit_record({k: v for k, v in out.items() if k != "rows_by_table"}, "copied and verified")


db_app = typer.Typer(help="The database: move it from SQLite to PostgreSQL.", no_args_is_help=True)
db_app.command("copy-to")(copy_to_postgres)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.add_typer(db_app, name="db")
