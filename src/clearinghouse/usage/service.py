"""Usage reports: submit (idempotent, corrections explicit), land (attempt by attempt), read.

Services flush and never commit: the API's request, the CLI command and the landing job own the
transactions. Reading the file happens outside any of them (usage/job.py).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.period_locks import refuse_if_closed
from clearinghouse.usage import repository as repo
from clearinghouse.usage.domain import (
    REDOABLE,
    REPORTING_ROLES,
    ReporterScope,
    ReportStatus,
    ReportTotals,
    check_period,
)
from clearinghouse.usage.options import ReadOptions, check_options
from clearinghouse.usage.records import ReportFormat
from clearinghouse.usage.tables import UsageReport

KIND = "usage.land"  # the job that lands a report
QUARANTINED = ("the file ends early (see its `truncated` rejection): none of it counts. Send the "
               "complete file to land it.")
KIB = 1024  # a landing's progress counts KiB read (a job's progress is a 32-bit integer)
OPTIONS = "options"  # the key of a report's read options in its totals (usage/options.py)
SUBMITTED_FORMATS = (ReportFormat.AGGREGATE_CSV, ReportFormat.AGGREGATE_JSONL, ReportFormat.DSR,
                     ReportFormat.SOCIETY, ReportFormat.EVENTS)
# Event logs name devices on a platform: they come from the platform (or the operator) only.
EVENT_REPORTERS = (Role.PLATFORM.value, Role.OPERATOR.value)


def this_process() -> str:
    """Who lands a report (host:pid): a landing whose process is gone may be redone."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(landing_by: str | None) -> bool:
    """Whether the process that was to land a report still runs (on another host: assume so)."""
    if landing_by is None:
        return False
    host, _, pid = landing_by.rpartition(":")
    if host != socket.gethostname():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


@dataclass(frozen=True)
class Submission:
    fmt: ReportFormat
    period: str
    sha256: str
    byte_size: int
    reporter_id: str | None = None  # the operator reporting for someone; default: the caller
    replaces_id: str | None = None
    encoding: str | None = None
    options: ReadOptions = ReadOptions()


@dataclass(frozen=True)
class Submitted:
    report: UsageReport
    land: bool  # a landing is to start (a new report, or one whose landing died: redone)
    created: bool


def submit(session: Session, caller: Principal, sub: Submission, today: date) -> Submitted:
    """A new report, or the existing one for the same bytes, reporter and period."""
    if not caller.has(*(Role(r) for r in REPORTING_ROLES)):
        raise Forbidden("only platforms, licensees and the operator report usage")
    reporter_id = sub.reporter_id or caller.party_id
    if reporter_id != caller.party_id and not caller.is_operator:
        raise Forbidden("only the operator reports usage for another party", field="reporter")
    roles = repo.party_roles(session, reporter_id)
    if roles is None:
        raise ValidationFailed(f"no party {reporter_id}", field="reporter")
    if sub.fmt not in SUBMITTED_FORMATS:
        raise ValidationFailed(f"format {sub.fmt} is not submitted as a report; use "
                               f"{', '.join(SUBMITTED_FORMATS)}", field="format")
    if sub.fmt is ReportFormat.EVENTS and not set(roles) & set(EVENT_REPORTERS):
        raise ValidationFailed("event logs are reported by the platform they were logged on",
                               field="format")
    sub = replace(sub, options=check_options(sub.fmt, sub.options, today))
    if (why := check_period(sub.period, today)) is not None:
        raise ValidationFailed(why, field="period")
    refuse_if_closed(session, sub.period)
    existing = repo.find_by_bytes(session, reporter_id, sub.period, sub.sha256)
    if existing is not None:
        return _again(session, existing, sub.options)
    if sub.replaces_id is not None:
        _check_original(session, caller, reporter_id, sub)
    report = UsageReport(
        id=new_id("rep"), reporter_id=reporter_id, format=sub.fmt.value, period=sub.period,
        sha256=sub.sha256, byte_size=sub.byte_size, encoding=sub.encoding,
        status=ReportStatus.RECEIVED.value, replaces_id=sub.replaces_id, attempt=1,
        totals={OPTIONS: sub.options.given()} if sub.options.given() else None,
        landing_by=this_process(), lines_read=0, lines_accepted=0, lines_rejected=0,
        submitted_by_id=caller.party_id, submitted_by_key_id=caller.key_id, created_at=utcnow())
    try:
        with session.begin_nested():  # the same bytes twice at once: the second finds the first
            repo.add(session, report)
    except IntegrityError:
        existing = repo.find_by_bytes(session, reporter_id, sub.period, sub.sha256)
        if existing is None:
            raise
        return _again(session, existing, sub.options)
    job, _ = jobs.submit(session, kind=KIND, owner_party_id=reporter_id, total=-(-sub.byte_size // KIB))
    report.job_id = job.id
    record(session, caller, "usage.report.submit", "usage_report", report.id, None,
           {"format": report.format, "period": report.period, "sha256": report.sha256,
            "reporter_id": reporter_id, "replaces_id": report.replaces_id} | sub.options.given())
    session.flush()
    return Submitted(report, land=True, created=True)


def options_of(report: UsageReport) -> ReadOptions:
    """The options the report's file is read with (kept with its totals from submission on)."""
    return ReadOptions(**(report.totals or {}).get(OPTIONS, {}))


def _again(session: Session, report: UsageReport, options: ReadOptions) -> Submitted:
    """The same bytes again: the report as it is, or its landing redone when it died. The same
    bytes read with other options would count the same use twice: refused."""
    stored = options_of(report)
    if stored != options:
        given = ", ".join(f"{k}={v}" for k, v in stored.given().items()) or "no options"
        differing = sorted(set(stored.given().items()) ^ set(options.given().items()))
        raise Conflict(f"these bytes were reported as {report.id}, read with {given}; a file is one "
                       "report, read one way", field=differing[0][0])
    if ReportStatus(report.status) not in REDOABLE or (
            report.status != ReportStatus.FAILED and _alive(report.landing_by)):
        return Submitted(report, land=False, created=False)
    job, _ = jobs.submit(session, kind=KIND, owner_party_id=report.reporter_id,
                         total=-(-report.byte_size // KIB))
    repo.set_fields(session, report.id, status=ReportStatus.RECEIVED.value,
                    attempt=report.attempt + 1, landing_by=this_process(), job_id=job.id,
                    error=None)
    session.refresh(report)
    return Submitted(report, land=True, created=False)


def _check_original(session: Session, caller: Principal, reporter_id: str, sub: Submission) -> None:
    original = repo.get(session, sub.replaces_id or "")
    if original is None or not _visible(caller, original):
        raise NotFound(f"usage report {sub.replaces_id} not found", field="replaces")
    if original.reporter_id != reporter_id:
        raise ValidationFailed("a correction comes from the original's reporter", field="replaces")
    if original.period != sub.period:
        raise ValidationFailed(f"a correction is for the original's period {original.period}",
                               field="period")
    if original.status != ReportStatus.LANDED.value:
        raise Conflict(f"report {original.id} is {original.status}: only a landed report can "
                       "be corrected", field="replaces")


# -- landing (the job) -----------------------------------------------------------------------------


def scope_of(session: Session, report: UsageReport) -> ReporterScope:
    roles = repo.party_roles(session, report.reporter_id) or []
    if Role.OPERATOR.value in roles:
        return ReporterScope(report.reporter_id, unrestricted=True, is_platform=False)
    is_platform = Role.PLATFORM.value in roles
    return ReporterScope(
        report.reporter_id, unrestricted=False, is_platform=is_platform,
        own_platforms=repo.platforms_of(session, report.reporter_id) if is_platform else frozenset(),
        all_platforms=repo.all_platform_codes(session) if is_platform else frozenset())


def begin_landing(session: Session, report_id: str, attempt: int) -> bool:
    """The report is being landed by `attempt`; False when a newer attempt took over."""
    report = repo.get(session, report_id, for_update=True)
    if report is None or report.attempt != attempt or \
            ReportStatus(report.status) not in REDOABLE:
        return False
    repo.set_fields(session, report_id, status=ReportStatus.LANDING.value, error=None)
    return True


def finish_landing(session: Session, report_id: str, attempt: int, totals: ReportTotals,
                   cleaning: dict[str, Any] | None = None) -> bool:
    """Landed, counts and totals stored, and a correction's original superseded, all at once.
    `cleaning`: an event log's cleaning summary, kept with the totals."""
    report = repo.get(session, report_id, for_update=True)
    if report is None:
        return False
    if report.replaces_id is not None:
        original = repo.get(session, report.replaces_id, for_update=True)
        if original is None or original.status != ReportStatus.LANDED.value:
            repo.finish_attempt(session, report_id, attempt, status=ReportStatus.FAILED.value,
                                error=f"the original {report.replaces_id} is no longer landed")
            return False
    now = utcnow()
    if not repo.finish_attempt(session, report_id, attempt, status=ReportStatus.LANDED.value,
                               landed_at=now, lines_read=totals.read,
                               lines_accepted=totals.accepted, lines_rejected=totals.rejected,
                               totals=_totals_json(report, totals) | ({"cleaning": cleaning} if cleaning else {})):
        return False
    if report.replaces_id is not None:
        repo.set_fields(session, report.replaces_id, status=ReportStatus.SUPERSEDED.value,
                        superseded_by_id=report_id)
    record(session, None, "usage.report.landed", "usage_report", report_id, None,
           {"lines_read": totals.read, "replaces_id": report.replaces_id} | totals.as_json())
    return True


def _totals_json(report: UsageReport | None, totals: ReportTotals) -> dict[str, Any]:
    given = options_of(report).given() if report is not None else {}
    return totals.as_json() | ({OPTIONS: given} if given else {})


def quarantine_landing(session: Session, report_id: str, attempt: int, totals: ReportTotals) -> bool:
    """The file ended early: nothing of it counts, its counts and rejections are kept to say why."""
    quarantined = repo.finish_attempt(
        session, report_id, attempt, status=ReportStatus.QUARANTINED.value, lines_read=totals.read,
        lines_accepted=totals.accepted, lines_rejected=totals.rejected,
        totals=_totals_json(repo.get(session, report_id), totals), error=QUARANTINED)
    if quarantined:
        record(session, None, "usage.report.quarantined", "usage_report", report_id, None,
               {"lines_read": totals.read} | totals.as_json())
    return quarantined


def fail_landing(session: Session, report_id: str, attempt: int, error: str) -> None:
    repo.finish_attempt(session, report_id, attempt, status=ReportStatus.FAILED.value,
                        error=error[:1000])


def fail_stuck(session: Session, job_id: str, error: str) -> list[str]:
    """After a crash: reports the job was landing fail (sending the same bytes redoes them)."""
    ids = repo.stuck_in_landing(session, job_id)
    for report_id in ids:
        repo.set_fields(session, report_id, status=ReportStatus.FAILED.value, error=error)
    return ids


# -- reading -----------------------------------------------------------------------------------------


def _visible(caller: Principal, report: UsageReport) -> bool:
    return caller.is_operator or report.reporter_id == caller.party_id


def get_report(session: Session, caller: Principal, report_id: str) -> UsageReport:
    report = repo.get(session, report_id)
    if report is None or not _visible(caller, report):
        raise NotFound(f"usage report {report_id} not found")
    return report


def list_reports(session: Session, caller: Principal, offset: int, limit: int
                 ) -> tuple[list[UsageReport], int]:
    return repo.page(session, None if caller.is_operator else caller.party_id, offset, limit)
