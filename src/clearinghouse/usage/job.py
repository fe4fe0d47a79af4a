"""Landing a report, as a job: read the file with its format's reader, screen each line against
what the reporter may report, stream everything into the lake, then mark the report landed.

No transaction is open while the file is read: the report's state changes in two short write
transactions (landing, then landed or failed), and the licences a batch of lines names are
looked up in a read transaction per batch. A landing that dies (kill -9) leaves the report
`landing` and at most a `.partial` file; sending the same bytes again (or the server's restart,
which marks it failed) lets a new attempt redo it from scratch, and only the attempt that the
report names may mark it landed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.jobs.runner import JobContext, JobFailed, JobStopped, Recovered
from clearinghouse.usage import landing_batches, service
from clearinghouse.usage import repository as repo
from clearinghouse.usage.cleaning.rules import CleaningRules
from clearinghouse.usage.domain import ReporterScope, ReportTotals
from clearinghouse.usage.event_landing import EventLanding, land_event_log
from clearinghouse.usage.formats import reader_for
from clearinghouse.usage.lake import Lake
from clearinghouse.usage.lake_writer import BATCH_ROWS, LakeWriter
from clearinghouse.usage.options import reader_arguments
from clearinghouse.usage.records import Rejection, ReportFormat, UsageLine

KIND = service.KIND
CRASHED = ("the server stopped while this report was landing; nothing of it counts. Send the "
           "same file again to land it.")


@dataclass(frozen=True)
class LandingRequest:
    report_id: str
    attempt: int
    path: Path
    lake_root: Path
    delete_file: bool = False  # an upload spooled for this job; never the user's own file
    today: date | None = None
    cleaning: CleaningRules = CleaningRules()  # for an event log: the operator's thresholds


def run_landing(ctx: JobContext, request: LandingRequest) -> dict[str, Any]:
    try:
        return _Landing(ctx, request).run()
    finally:
        if request.delete_file:
            request.path.unlink(missing_ok=True)


def _batches(items: Iterator[UsageLine | Rejection]) -> Iterator[list[UsageLine | Rejection]]:
    while batch := list(islice(items, BATCH_ROWS)):
        yield batch


class _Landing:
    def __init__(self, ctx: JobContext, request: LandingRequest) -> None:
        self.ctx, self.request = ctx, request
        self.today = request.today or utcnow().date()

    def run(self) -> dict[str, Any]:
        request = self.request
        with unit_of_work(self.ctx.read_sessions) as session:
            report = repo.get(session, request.report_id)
            if report is None:
                raise JobFailed(f"usage report {request.report_id} not found")
            fmt, period, reporter_id = ReportFormat(report.format), report.period, report.reporter_id
            scope = service.scope_of(session, report)
            self.options = service.options_of(report)
        with unit_of_work(self.ctx.sessions) as session:
            if not service.begin_landing(session, request.report_id, request.attempt):
                raise JobFailed("a newer landing of this report took over")
        writer = LakeWriter(Lake(request.lake_root), request.report_id, reporter_id, period)
        cleaning: dict[str, Any] | None = None
        try:
            if fmt is ReportFormat.EVENTS:
                cleaning = land_event_log(request.path, EventLanding(
                    Lake(request.lake_root), request.report_id, reporter_id, period, self.today, scope,
                    request.cleaning), writer, self.ctx.check_stop)
                totals = writer.totals
            else:
                totals = self._read(fmt, period, scope, writer)
            self.ctx.check_stop()
            if totals.truncated:
                return self._quarantine(writer)
            writer.close()
        except BaseException as exc:
            writer.discard()
            why = str(exc) if isinstance(exc, (JobFailed, JobStopped)) else \
                f"the file could not be landed: {type(exc).__name__}: {exc}"
            with unit_of_work(self.ctx.sessions) as session:
                service.fail_landing(session, request.report_id, request.attempt, why)
            raise
        with unit_of_work(self.ctx.sessions) as session:
            landed = service.finish_landing(session, request.report_id, request.attempt, totals, cleaning)
        if not landed:
            raise JobFailed("the report was not landed: a newer landing took over, or the "
                            "original it corrects is no longer landed")
        return {"report_id": request.report_id, "status": "landed", "lines_read": totals.read,
                "lines_accepted": totals.accepted, "lines_rejected": totals.rejected}

    def _quarantine(self, writer: LakeWriter) -> dict[str, Any]:
        """A file that ended early: its rejections are kept (to say why), its lines are not."""
        request = self.request
        totals = writer.close_rejections_only()
        with unit_of_work(self.ctx.sessions) as session:
            if not service.quarantine_landing(session, request.report_id, request.attempt, totals):
                raise JobFailed("a newer landing of this report took over")
        return {"report_id": request.report_id, "status": "quarantined", "lines_read": totals.read,
                "lines_accepted": totals.accepted, "lines_rejected": totals.rejected}

    def _read(self, fmt: ReportFormat, period: str, scope: ReporterScope,
              writer: LakeWriter) -> ReportTotals:
        reader = reader_for(fmt)
        arguments = reader_arguments(fmt, self.options, scope)
        total = -(-self.request.path.stat().st_size // service.KIB)
        if fmt in landing_batches.VECTORISED:  # Arrow batches, same lines and reasons
            with self.request.path.open("rb") as source:
                def between_batches() -> None:
                    self.ctx.check_stop()
                    self.ctx.progress(min(-(-source.tell() // service.KIB), total), total,
                                      "landing (KiB read)")
                return landing_batches.land_csv(
                    source, period=period, today=self.today, scope=scope, writer=writer,
                    licensees=self._licensees_of, between_batches=between_batches, fmt=fmt,
                    arguments=arguments)
        with self.request.path.open("rb") as source:
            for batch in _batches(iter(reader(source, period=period, today=self.today, **arguments))):
                self.ctx.check_stop()
                licensees = self._licensees(scope, batch)
                for item in batch:
                    writer.add(item if isinstance(item, Rejection) else scope.screen(item, licensees))
                self.ctx.progress(min(-(-source.tell() // service.KIB), total), total,
                                  "landing (KiB read)")
        return writer.totals

    def _licensees(self, scope: ReporterScope, batch: list[UsageLine | Rejection]) -> dict[str, str]:
        if scope.unrestricted or scope.is_platform:
            return {}
        ids = {item.license_id for item in batch
               if isinstance(item, UsageLine) and item.license_id is not None}
        return self._licensees_of(ids) if ids else {}

    def _licensees_of(self, ids: set[str]) -> dict[str, str]:
        with unit_of_work(self.ctx.read_sessions) as session:
            return repo.licensees_of(session, ids)


def recover(sessions: sessionmaker[Session], job_id: str) -> Recovered:
    """At start-up, a landing job the previous process left running: its report failed."""
    with unit_of_work(sessions) as session:
        service.fail_stuck(session, job_id, CRASHED)
    return Recovered(CRASHED, release_key=True)
