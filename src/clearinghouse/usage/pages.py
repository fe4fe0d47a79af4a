"""Usage reports on pages (/usage/reports…), for platforms, licensees and the operator: upload a
report, the list of one's reports, and a report's page with its landing's progress (htmx polls a
fragment; without JavaScript a refresh link) and, once landed, its rejections a page at a time.
The rules are usage/service.py's and the upload is usage/upload.py's, as for the API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from clearinghouse.access.domain import Role
from clearinghouse.accounts.service import SignedIn
from clearinghouse.api.deps import DB, read_sessions, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError, Forbidden, ValidationFailed
from clearinghouse.core.jobs import service as jobs
from clearinghouse.core.money import Money
from clearinghouse.usage import service
from clearinghouse.usage.domain import REPORTING_ROLES, ReportStatus
from clearinghouse.usage.job import LandingRequest, run_landing
from clearinghouse.usage.lake import Lake
from clearinghouse.usage.lake_reading import rejections_page
from clearinghouse.usage.records import RejectionReason, ReportFormat
from clearinghouse.usage.tables import UsageReport
from clearinghouse.usage.upload import encoding_of, receive_report
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


router = page_router()
LOCALES = {"zh": "zh_CN", "en": "en"}
FORMATS = (("csv", N_("CSV (aggregated usage)")), ("jsonl", N_("JSON Lines (aggregated usage)")),
           ("dsr", N_("DDEX DSR flat file")), ("society", N_("Society statement (CSV)")))
STATUS_LABELS = {
    ReportStatus.RECEIVED: N_("received"), ReportStatus.LANDING: N_("landing"),
    ReportStatus.LANDED: N_("landed"), ReportStatus.FAILED: N_("failed"),
    ReportStatus.SUPERSEDED: N_("superseded"),
}
# A rejection's reason in the reporter's language (docs/usage.md, "Rejection reasons").
REASON_LABELS: dict[str, str] = {  # StrEnum keys: the stored reason (a str) finds them
    RejectionReason.MALFORMED: N_("malformed line"),
    RejectionReason.MISSING_FIELD: N_("a required field is missing"),
    RejectionReason.BAD_VALUE: N_("a value of the wrong kind"),
    RejectionReason.NEGATIVE: N_("a negative number"),
    RejectionReason.ABSURD: N_("an impossible number"),
    RejectionReason.FUTURE: N_("in the future"),
    RejectionReason.OUTSIDE_PERIOD: N_("outside the report's period"),
    RejectionReason.UNKNOWN_CURRENCY: N_("unknown currency"),
    RejectionReason.UNKNOWN_TERRITORY: N_("unknown territory"),
    RejectionReason.UNKNOWN_CHANNEL: N_("unknown channel"),
    RejectionReason.FOREIGN_CONTENT: N_("not yours to report"),
    RejectionReason.UNSUPPORTED: N_("a record this format does not read"),
    RejectionReason.TRUNCATED: N_("the file is cut short"),
    RejectionReason.DUPLICATE_LINE: N_("the same line twice"),
}
REPORTS_SHOWN = 25
REJECTIONS_SHOWN = 50
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]


async def _reporter(person: SignedInPerson) -> SignedIn:
    if not person.principal.has(*(Role(r) for r in REPORTING_ROLES)):
        raise Forbidden("only platforms, licensees and the operator report usage")
    return person


ReporterPerson = Annotated[SignedIn, Depends(_reporter)]


def _reports_page(page: PageContext, request: Request, person: SignedIn, offset: int, *,
                  error: DomainError | None = None, form: dict[str, str] | None = None,
                  status: int = 200) -> Response:
    with unit_of_work(read_sessions(request)) as db:
        reports, total = service.list_reports(db, person.principal, offset, REPORTS_SHOWN)
        items = [_summary(page, r) for r in reports]
    return page.render("usage/reports.html", status_code=status, items=items, total=total,
                       offset=offset, shown=REPORTS_SHOWN, formats=FORMATS, error=error,
                       form=form or {"format": "csv", "period": "", "reporter": ""},
                       for_others=person.principal.is_operator)


@router.get("/usage/reports")
def reports(page: Page, request: Request, person: ReporterPerson, offset: Offset = 0) -> Response:
    """The upload form and the list of one's reports, newest first (the operator: everyone's)."""
    return _reports_page(page, request, person, offset)


# The path ends in /file: the app's upload size limit (max_upload_bytes) applies, as to the API's.
@router.post("/usage/reports/file")
async def upload_report(page: Page, request: Request, person: ReporterPerson) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "").strip()[:40] for name in ("format", "period", "reporter")}
    try:
        if values["format"] not in {f.value for f in ReportFormat} or \
                ReportFormat(values["format"]) not in service.SUBMITTED_FORMATS:
            raise ValidationFailed("choose the report's format", field="format")
        report, land, path = await _submit(request, person, values)
    except DomainError as exc:
        return await run_in_threadpool(_reports_page, page, request, person, 0, error=exc,
                                       form=values, status=exc.status)
    if land and report.job_id is not None:
        landing = LandingRequest(report.id, report.attempt, path,
                                 Lake(request.app.state.settings.lake_dir).root, delete_file=True)
        request.app.state.jobs.start(report.job_id, partial(run_landing, request=landing))
    else:
        path.unlink(missing_ok=True)
    return page.redirect(f"/usage/reports/{report.id}" + ("" if land else "?again=1"))


async def _submit(request: Request, person: SignedIn, values: dict[str, str]
                  ) -> tuple[UsageReport, bool, Path]:
    """The file spooled before any transaction (as the API does), then the report recorded."""
    settings = request.app.state.settings
    spooled = await receive_report(request, settings.data_dir / "uploads", settings.max_upload_bytes)
    try:
        fmt = ReportFormat(values["format"])
        encoding = await run_in_threadpool(encoding_of, spooled.path, fmt)
        sub = service.Submission(fmt, values["period"], spooled.sha256, spooled.byte_size,
                                 values["reporter"] or None, None, encoding)

        def record() -> service.Submitted:
            with unit_of_work(write_sessions(request)) as db:
                submitted = service.submit(db, person.principal, sub, _today())
                db.expunge(submitted.report)
                return submitted

        submitted = await run_in_threadpool(record)
    except BaseException:
        spooled.path.unlink(missing_ok=True)
        raise
    return submitted.report, submitted.land, spooled.path


def _today() -> date:
    return datetime.now(UTC).date()  # the day the API's checks use (usage/endpoints.py)


def _report_view(page: PageContext, request: Request, db: DB, person: SignedIn, report_id: str,
                 offset: int) -> dict[str, Any]:
    report = service.get_report(db, person.principal, report_id)  # another's: 404, as in the API
    job = jobs.get_job(db, person.principal, report.job_id) if report.job_id and \
        report.status in (ReportStatus.RECEIVED, ReportStatus.LANDING) else None
    total_kib = job.progress_total if job is not None and job.progress_total else 0
    done = report.status in (ReportStatus.LANDED, ReportStatus.SUPERSEDED, ReportStatus.FAILED)
    rows: list[dict[str, Any]] = []
    rejected = 0
    if report.status in (ReportStatus.LANDED, ReportStatus.SUPERSEDED):
        rows, rejected = rejections_page(Lake(request.app.state.settings.lake_dir), report,
                                         offset, REJECTIONS_SHOWN)
    return {"report": _summary(page, report), "done": done, "offset": offset,
            "shown": REJECTIONS_SHOWN, "rejections": [_rejection(page, r) for r in rows],
            "rejected": rejected,
            "percent": min(100, (job.progress_done * 100) // total_kib) if job and total_kib else 0}


def _rejection(page: PageContext, row: dict[str, Any]) -> dict[str, Any]:
    return {"line": row["line_no"], "reason": reason_label(page, row["reason"]),
            "field": row["field"] or "", "message": row["message"]}


def number(page: PageContext, value: int) -> str:
    return str(format_decimal(value, locale=LOCALES[page.lang]))


def reason_label(page: PageContext, reason: str) -> str:
    label = REASON_LABELS.get(reason)
    return page.gettext(label) if label else reason


def _summary(page: PageContext, report: UsageReport) -> dict[str, Any]:
    """A report as its row and its page show it: numbers and money in the visitor's locale."""
    totals = report.totals or {}
    return {"id": report.id, "period": report.period, "format": report.format,
            "reporter_id": report.reporter_id, "status": report.status,
            "status_label": page.gettext(STATUS_LABELS[ReportStatus(report.status)]),
            "created_at": report.created_at.strftime("%Y-%m-%d %H:%M"),
            "read": number(page, report.lines_read),
            "accepted": number(page, report.lines_accepted),
            "rejected": number(page, report.lines_rejected),
            "plays": number(page, totals.get("plays", 0)),
            "copies": number(page, totals.get("copies", 0)),
            "revenue": [Money(code, minor).format(LOCALES[page.lang])
                        for code, minor in sorted(totals.get("revenue", {}).items())],
            "reasons": [(reason_label(page, reason), number(page, count))
                        for reason, count in sorted(totals.get("rejections", {}).items())],
            "error": report.error, "replaces_id": report.replaces_id,
            "superseded_by_id": report.superseded_by_id}


@router.get("/usage/reports/{report_id}")
def report_page(page: Page, request: Request, db: DB, person: ReporterPerson, report_id: str,
                offset: Offset = 0, again: bool = False) -> Response:
    return page.render("usage/report.html", again=again,
                       **_report_view(page, request, db, person, report_id, offset))


@router.get("/usage/reports/{report_id}/progress")
def report_progress(page: Page, request: Request, db: DB, person: ReporterPerson,
                    report_id: str) -> Response:
    """The fragment htmx polls while the report lands; once landed it brings the outcome."""
    return page.render("usage/report_progress.html",
                       **_report_view(page, request, db, person, report_id, 0))
