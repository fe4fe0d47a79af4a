"""`clearinghouse works import FILE`: the import job run in the foreground, with a progress bar
and the per-row report. It commits in batches like the API's job, so a running server's other
writes are never held up for long.

Exit codes: 0 every row accepted; 4 some rows rejected (in the default mode the valid rows were
applied; with --all-or-nothing nothing was), or the file itself could not be read; 5 this file
was already imported in this mode (the earlier report is shown, nothing is imported twice);
1 the job failed.
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from clearinghouse.cli.context import (
    acting_as,
    console,
    emit_json,
    err_console,
    fail,
    session_factories,
)
from clearinghouse.cli.context import local_operator as _local_operator
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError, Forbidden
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.jobs.runner import JobRunner
from clearinghouse.registry.import_formats import ImportOptions
from clearinghouse.registry.import_job import KIND, ImportRequest, dedupe_key, run_import
from clearinghouse.registry.import_reading import scan
from clearinghouse.registry.import_schemas import ImportReport
from clearinghouse.registry.works_service import REGISTERING_ROLES

EXIT_REJECTED = 4  # the same code as any other validation failure (docs/cli.md)
EXIT_ALREADY_IMPORTED = 5
EXIT_JOB_FAILED = 1


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
    with session_factories() as (sessions, read_sessions):
        try:
            with unit_of_work(read_sessions) as db:
                who = acting_as(db, as_party) or _local_operator(db)
            if not who.has(*REGISTERING_ROLES):
                raise Forbidden("only owners, agents and the operator import works")
            catalogue = scan(file, options)
            with file.open("rb") as raw:
                sha256 = hashlib.file_digest(raw, "sha256").hexdigest()
            with unit_of_work(sessions) as db:
                job, created = jobs.submit(db, kind=KIND, owner_party_id=who.party_id,
                                           total=catalogue.works * (1 if dry_run else 2),
                                           dedupe_key=dedupe_key(sha256, catalogue, options))
            if created:
                _run(JobRunner(sessions, read_sessions), job.id,
                     ImportRequest(catalogue, who, options), as_json)
            with unit_of_work(read_sessions) as db:
                job = jobs.get_job(db, who, job.id)
        except DomainError as exc:
            fail(exc)
    if job.status == "failed" or job.result is None:
        err_console.print(f"[red]the import job {job.id} failed[/red]: {job.error}")
        raise typer.Exit(EXIT_JOB_FAILED)
    report = ImportReport.model_validate(job.result)
    if not created:
        err_console.print(f"[yellow]this file was already imported in this mode (job {job.id}); "
                          "nothing was imported again. Its report:[/yellow]")
    if as_json:
        emit_json(report)
    else:
        _print(report)
    if not created:
        raise typer.Exit(EXIT_ALREADY_IMPORTED)
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def _run(runner: JobRunner, job_id: str, request: ImportRequest, quiet: bool) -> None:
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err_console, transient=True, disable=quiet)
    with progress:
        task = progress.add_task("importing", total=None)

        def show(done: int, total: int | None, stage: str | None) -> None:
            progress.update(task, completed=done, total=total, description=stage or "importing")

        runner.run_here(job_id, partial(run_import, request=request), listener=show)


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

