"""/api/v1/usage/reports: submit a usage report, follow its landing, read its rejections.

The upload is written to a spool file before any transaction (a stalled client holds no lock);
the report is then recorded in one short write transaction and landed by a job outside the
request. Reports are seen by their reporter and the operator only (a 404 for anyone else).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from clearinghouse.access.domain import Principal, Role
from clearinghouse.api.deps import DB, Caller, Limit, Offset, RefParam
from clearinghouse.api.responses import AUTHED, WRITE, errors
from clearinghouse.api.spool import SpooledFile
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, Forbidden, ValidationFailed
from clearinghouse.core.schemas import Page
from clearinghouse.usage import service
from clearinghouse.usage.cleaning.rules import CleaningRules
from clearinghouse.usage.domain import REPORTING_ROLES, ReportStatus, check_period
from clearinghouse.usage.job import LandingRequest, run_landing
from clearinghouse.usage.lake import Lake
from clearinghouse.usage.lake_reading import rejections_page
from clearinghouse.usage.options import ReadOptions, check_options
from clearinghouse.usage.records import ReportFormat
from clearinghouse.usage.schemas import RejectionOut, UsageReportOut, report_out
from clearinghouse.usage.upload import encoding_of, receive_report

router = APIRouter(prefix="/api/v1/usage", tags=["usage"])
REQUEST_BODY: dict[str, Any] = {
    "description": "The report file: the body as it is, or a multipart upload (field `file`).",
    "required": True,
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/x-ndjson": {"schema": {"type": "string"}},
        "text/tab-separated-values": {"schema": {"type": "string"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"}}}},
    },
}
EXISTING: dict[int | str, dict[str, Any]] = {200: {
    "model": UsageReportOut,
    "description": "These bytes were reported before by this reporter for this period: the "
                   "existing report, and nothing counts twice"}}


def _today() -> date:
    return datetime.now(UTC).date()


def _lake(request: Request) -> Lake:
    return Lake(request.app.state.settings.lake_dir)


@router.post("/reports", response_model=UsageReportOut, status_code=202,
             responses=WRITE | EXISTING, openapi_extra={"requestBody": REQUEST_BODY})
async def submit_report(
    request: Request,
    response: Response,
    caller: Caller,
    format: Annotated[Literal["csv", "jsonl", "dsr", "society", "events"], Query(
        description="csv or jsonl (aggregated usage), dsr (DDEX DSR flat file), society "
                    "(a society's statement) or events (an event log, cleaned then aggregated; "
                    "platforms only); see docs/usage.md")],
    period: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="The month reported, YYYY-MM")],
    replaces: Annotated[RefParam | None, Query(
        description="The report (rep_…) this one corrects; it is superseded once this lands")] = None,
    reporter: Annotated[RefParam | None, Query(
        description="The operator only: the party reported for (default: the caller)")] = None,
    currency: Annotated[str | None, Query(
        max_length=3, description="society, dsr: the ISO 4217 currency of a file that gives none")] = None,
    territory: Annotated[str | None, Query(
        max_length=2, description="society: the ISO 3166-1 country of a statement without one")] = None,
    right: Annotated[str | None, Query(
        max_length=40, description="society: the right (performance, mechanical, …) of a statement "
                                   "without a right column")] = None,
) -> UsageReportOut:
    """Submit a usage report; it is checked line by line and landed in the usage lake as a job.

    Answers 202 with the report (`status` received); poll `GET /api/v1/usage/reports/{id}`
    until it is `landed` (counts and totals) or `failed`. The same bytes from the same reporter
    for the same period return the existing report (200) and count once; a correction names
    its original in `replaces`. Platforms report use on their own platforms, licensees under
    their own licences; lines that break the rules are rejected with a reason
    (`GET …/rejections`), never dropped."""
    if not caller.has(*(Role(r) for r in REPORTING_ROLES)):
        raise Forbidden("only platforms, licensees and the operator report usage")
    if (why := check_period(period, _today())) is not None:
        raise ValidationFailed(why, field="period")
    fmt = ReportFormat(format)
    options = check_options(fmt, ReadOptions(currency, territory, right), _today())
    settings = request.app.state.settings
    spooled = await receive_report(request, settings.data_dir / "uploads",
                                    settings.max_upload_bytes)
    try:
        encoding = await run_in_threadpool(encoding_of, spooled.path, fmt)
        sub = service.Submission(fmt, period, spooled.sha256, spooled.byte_size, reporter,
                                 replaces, encoding, options)
        submitted = await run_in_threadpool(_submit, request, caller, sub)
    except BaseException:
        spooled.path.unlink(missing_ok=True)
        raise
    _start_or_drop(request, submitted, spooled)
    if not submitted.land:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/usage/reports/{submitted.report.id}"
    return report_out(submitted.report)


def _submit(request: Request, caller: Principal, sub: service.Submission) -> service.Submitted:
    with unit_of_work(request.app.state.sessions) as session:
        submitted = service.submit(session, caller, sub, _today())
        session.expunge(submitted.report)
        return submitted


def _start_or_drop(request: Request, submitted: service.Submitted, spooled: SpooledFile) -> None:
    report = submitted.report
    if not submitted.land or report.job_id is None:
        spooled.path.unlink(missing_ok=True)
        return
    landing = LandingRequest(report.id, report.attempt, spooled.path, _lake(request).root,
                             delete_file=True, cleaning=CleaningRules.from_config(
                                 request.app.state.settings.usage_cleaning))
    request.app.state.jobs.start(report.job_id, partial(run_landing, request=landing))


@router.get("/reports", response_model=Page[UsageReportOut], responses=AUTHED)
def list_reports(db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 20) -> Page[UsageReportOut]:
    """Your usage reports, newest first (the operator: everyone's)."""
    reports, total = service.list_reports(db, caller, offset, limit)
    return Page(items=[report_out(r) for r in reports], total=total, offset=offset, limit=limit)


@router.get("/reports/{report_id}", response_model=UsageReportOut, responses=AUTHED)
def get_report(report_id: str, db: DB, caller: Caller) -> UsageReportOut:
    """A report's status, counts and totals (its reporter and the operator only)."""
    return report_out(service.get_report(db, caller, report_id))


@router.get("/reports/{report_id}/rejections", response_model=Page[RejectionOut],
            responses=AUTHED | errors(409))
def list_rejections(request: Request, report_id: str, db: DB, caller: Caller,
                    offset: Offset = 0, limit: Limit = 20) -> Page[RejectionOut]:
    """The lines the report's landing refused, in line order, each with its reason; a 409
    until the report has landed (or been quarantined)."""
    report = service.get_report(db, caller, report_id)
    if report.status not in (ReportStatus.LANDED.value, ReportStatus.SUPERSEDED.value,
                             ReportStatus.QUARANTINED.value):
        raise Conflict(f"report {report_id} is {report.status}: its rejections are known once "
                       "it has landed")
    rows, total = rejections_page(_lake(request), report, offset, limit)
    return Page(items=[RejectionOut.model_validate(r) for r in rows], total=total,
                offset=offset, limit=limit)
