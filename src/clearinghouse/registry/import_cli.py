"""`clearinghouse works import FILE`: bulk import with a progress bar and a per-row report.

Exit codes: 0 every row accepted; 4 some rows rejected (in the default mode the valid rows were
applied; with --all-or-nothing nothing was), or the file itself could not be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from clearinghouse.cli.context import acting_as, console, database, emit_json, err_console
from clearinghouse.cli.context import local_operator as _local_operator
from clearinghouse.registry.import_schemas import ImportReport
from clearinghouse.registry.importer import ImportOptions, run_import

EXIT_REJECTED = 4  # the same code as any other validation failure (docs/cli.md)


def import_works(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="CSV, JSON or JSON Lines (see docs/import.md)")],
    format: Annotated[str | None, typer.Option(
        "--format", help="csv, json or jsonl (default: from the file name or content)")] = None,
    encoding: Annotated[str | None, typer.Option(
        help="e.g. gbk (default: UTF-8 with or without BOM, else GBK)")] = None,
    all_or_nothing: Annotated[bool, typer.Option(
        "--all-or-nothing", help="Apply nothing if any row is rejected")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check every row, apply nothing")] = False,
    as_party: Annotated[str | None, typer.Option(
        "--as", help="Import as this party id (default: the operator)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Import a catalogue of works with their holdings; every row is accepted or rejected."""
    options = ImportOptions(format=format, encoding=encoding, filename=file.name,
                            all_or_nothing=all_or_nothing, dry_run=dry_run)
    data = file.read_bytes()
    progress = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err_console, transient=True,
                        disable=as_json)
    with database() as db, progress:
        who = acting_as(db, as_party) or _local_operator(db)
        task = progress.add_task("rows", total=None)
        report = run_import(db, who, data, options,
                            on_progress=lambda done, total: progress.update(
                                task, completed=done, total=total))
    if as_json:
        emit_json(report)
    else:
        _print(report)
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def _print(report: ImportReport) -> None:
    works = len({r.work_id for r in report.rows if r.work_id})
    if report.dry_run:
        outcome = "dry run: nothing applied"
    elif report.applied:
        outcome = f"applied: {works} works written"
    else:
        outcome = "nothing applied (all-or-nothing)"
    summary = Table(title="import", show_header=False)
    summary.add_column("", style="bold")
    summary.add_column("")
    for label, value in (("file", f"{report.format}, {report.encoding}"), ("rows", report.total),
                         ("accepted", report.accepted), ("rejected", report.rejected),
                         ("result", outcome), ("import id", report.import_id or "")):
        summary.add_row(label, str(value))
    console.print(summary)
    rejected = [r for r in report.rows if r.status == "rejected"]
    if not rejected:
        return
    table = Table(title="rejected rows")
    for column in ("row", "ref", "field", "message"):
        table.add_column(column)
    for row in rejected:
        for i, err in enumerate(row.errors):
            first = i == 0
            table.add_row(str(row.row) if first else "", (row.ref or "") if first else "",
                          err.field, err.message)
    console.print(table)


def register(app: typer.Typer) -> None:
    works = next(g.typer_instance for g in app.registered_groups if g.name == "works")
    assert works is not None, "the registry's `works` group must be added first"
    works.command("import")(import_works)
