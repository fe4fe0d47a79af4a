"""`clearinghouse usage submit|status|rejections`: report usage from the command line.

`submit` lands the report in the foreground (the same job as the API's, with a progress bar),
reading the file where it lies: no upload limit. Exit codes: 0 landed with every line accepted;
4 landed with rejected lines (see `usage rejections`), refused, or quarantined (the file ended
early); 5 these bytes were reported before (the existing report is shown); 1 the landing failed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.cli.context import (
    acting_as,
    console,
    emit_json,
    emit_record,
    emit_table,
    err_console,
    fail,
    local_operator,
    session_factories,
)
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError
from clearinghouse.core.jobs.runner import JobRunner
from clearinghouse.core.settings import get_settings
from clearinghouse.usage import service
from clearinghouse.usage.cleaning.rules import CleaningRules
from clearinghouse.usage.domain import ReportStatus
from clearinghouse.usage.job import LandingRequest, run_landing
from clearinghouse.usage.lake import Lake
from clearinghouse.usage.lake_reading import rejections_page
from clearinghouse.usage.options import ReadOptions, check_options
from clearinghouse.usage.records import ReportFormat
from clearinghouse.usage.schemas import UsageReportOut, report_out
from clearinghouse.usage.upload import encoding_of

EXIT_REJECTED, EXIT_ALREADY_REPORTED, EXIT_FAILED = 4, 5, 1
usage_app = typer.Typer(help="Usage reports: submit, follow, read rejections.", no_args_is_help=True)
AsParty = Annotated[str | None, typer.Option(
    "--as", help="Act as this party id: the reporter (default: the operator)")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _who(session: Session, as_party: str | None) -> Principal:
    return acting_as(session, as_party) or local_operator(session)


@usage_app.command("submit")
def submit(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="The report (see docs/usage.md)")],
    format: Annotated[str, typer.Option("--format", help="csv, jsonl, dsr, society or events")],
    period: Annotated[str, typer.Option("--period", help="The month reported, YYYY-MM")],
    replaces: Annotated[str | None, typer.Option(
        "--replaces", help="The report (rep_…) this one corrects")] = None,
    currency: Annotated[str | None, typer.Option(
        "--currency", help="society, dsr: the ISO 4217 currency of a file that gives none")] = None,
    territory: Annotated[str | None, typer.Option(
        "--territory", help="society: the country (ISO 3166-1) of a statement without one")] = None,
    right: Annotated[str | None, typer.Option(
        "--right", help="society: the right (performance, mechanical, …) of a statement without one")] = None,
    as_party: AsParty = None,
    as_json: AsJson = False,
) -> None:
    """Submit a usage report and land it; prints the report with its counts and totals."""
    try:
        fmt = ReportFormat(format)
    except ValueError:
        raise typer.BadParameter("use csv, jsonl, dsr, society or events", param_hint="--format") from None
    settings = get_settings()
    with session_factories() as (sessions, read_sessions):
        try:
            options = check_options(fmt, ReadOptions(currency, territory, right), datetime.now(UTC).date())
            with unit_of_work(read_sessions) as db:
                who = _who(db, as_party)
            with file.open("rb") as raw:
                sha256 = hashlib.file_digest(raw, "sha256").hexdigest()
            sub = service.Submission(fmt, period, sha256, file.stat().st_size, None, replaces,
                                     encoding_of(file, fmt), options)
            with unit_of_work(sessions) as db:
                submitted = service.submit(db, who, sub, datetime.now(UTC).date())
                report_id, attempt, job_id = (submitted.report.id, submitted.report.attempt,
                                              submitted.report.job_id)
            if submitted.land and job_id is not None:
                _land(JobRunner(sessions, read_sessions), job_id,
                      LandingRequest(report_id, attempt, file, settings.lake_dir,
                                     cleaning=CleaningRules.from_config(settings.usage_cleaning)),
                      as_json)
            with unit_of_work(read_sessions) as db:
                out = report_out(service.get_report(db, who, report_id))
        except DomainError as exc:
            fail(exc)
    if not submitted.land:
        err_console.print(f"[yellow]these bytes were reported before (report {out.id}); "
                          "nothing counts twice. The report:[/yellow]")
    _show(out, as_json)
    if out.status == ReportStatus.FAILED.value:
        err_console.print(f"[red]the landing failed[/red]: {out.error}")
        raise typer.Exit(EXIT_FAILED)
    if out.status == ReportStatus.QUARANTINED.value:
        err_console.print(f"[red]quarantined[/red]: {out.error}")
    if not submitted.land:
        raise typer.Exit(EXIT_ALREADY_REPORTED)
    if out.lines_rejected or out.status == ReportStatus.QUARANTINED.value:
        raise typer.Exit(EXIT_REJECTED)


def _land(runner: JobRunner, job_id: str, request: LandingRequest, quiet: bool) -> None:
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err_console, transient=True, disable=quiet)
    with progress:
        task = progress.add_task("landing", total=None)

        def show(done: int, total: int | None, stage: str | None) -> None:
            progress.update(task, completed=done, total=total, description=stage or "landing")

        runner.run_here(job_id, partial(run_landing, request=request), listener=show)


def _show(out: UsageReportOut, as_json: bool) -> None:
    if as_json:
        emit_json(out)
        return
    emit_record(out.model_dump(mode="json", exclude={"cleaning"}), title="usage report")
    if out.cleaning is not None:
        cleaning = out.cleaning
        console.print(f"cleaning: {cleaning.events:,} events read, {cleaning.lines_refused:,} lines refused, "
                      f"{cleaning.clean_events:,} clean, {cleaning.removed_events:,} removed")
        emit_table([r.model_dump() | {"share_of_plays": f"{r.share_of_plays:.2%}"} for r in cleaning.removed],
                   ["channel", "rule", "events_removed", "plays_removed", "plays_total", "share_of_plays"],
                   title="removed traffic (per platform and rule)")


@usage_app.command("status")
def status(
    report: Annotated[str | None, typer.Argument(help="A report id (default: list your reports)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    as_party: AsParty = None,
    as_json: AsJson = False,
) -> None:
    """One report's status, counts and totals, or your latest reports."""
    with session_factories() as (_, read_sessions):
        try:
            with unit_of_work(read_sessions) as db:
                who = _who(db, as_party)
                if report is not None:
                    _show(report_out(service.get_report(db, who, report)), as_json)
                    return
                reports, _ = service.list_reports(db, who, 0, limit)
                rows = [report_out(r) for r in reports]
        except DomainError as exc:
            fail(exc)
    if as_json:
        emit_json(rows)
        return
    emit_table([r.model_dump() for r in rows], ["id", "period", "format", "status", "lines_read",
                                                "lines_accepted", "lines_rejected", "reporter_id"],
               title="usage reports")


@usage_app.command("rejections")
def rejections(
    report: Annotated[str, typer.Argument(help="A report id")],
    offset: Annotated[int, typer.Option(min=0)] = 0,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    as_party: AsParty = None,
    as_json: AsJson = False,
) -> None:
    """The lines a report's landing refused, in line order, with their reasons."""
    with session_factories() as (_, read_sessions):
        try:
            with unit_of_work(read_sessions) as db:
                found = service.get_report(db, _who(db, as_party), report)
                db.expunge(found)
        except DomainError as exc:
            fail(exc)
    rows, total = rejections_page(Lake(get_settings().lake_dir), found, offset, limit)
    if as_json:
        emit_json({"items": rows, "total": total, "offset": offset, "limit": limit})
        return
    emit_table(rows, ["line_no", "reason", "field", "message"],
               title=f"rejections of {report} ({total:,} in all)")
    if total > offset + len(rows):
        console.print(f"… {total - offset - len(rows):,} more (--offset {offset + len(rows)})")
