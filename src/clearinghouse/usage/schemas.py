"""Usage reports as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from clearinghouse.usage.tables import UsageReport

Status = Literal["received", "landing", "landed", "failed", "superseded", "quarantined"]


class ReportTotalsOut(BaseModel):
    plays: int
    copies: int
    revenue: dict[str, int] = Field(description="Revenue per currency, in minor units (fen, cents)")
    rejections: dict[str, int] = Field(description="Rejected lines per reason")


class RemovedTrafficOut(BaseModel):
    channel: str = Field(description="The platform")
    rule: str = Field(description="The cleaning rule that removed the events (docs/usage-cleaning.md)")
    events_removed: int
    plays_removed: int
    events_total: int = Field(description="The platform's events in the log")
    plays_total: int = Field(description="The platform's plays in the log")
    share_of_plays: float = Field(description="plays_removed / plays_total (0 when no plays)")


class CleaningOut(BaseModel):
    events: int = Field(description="Events read from the log")
    lines_refused: int = Field(description="Lines of the log refused (see the rejections)")
    clean_events: int = Field(description="Events kept: their plays are the report's usage lines")
    removed_events: int = Field(description="Events removed by the cleaning rules (kept in the lake)")
    removed: list[RemovedTrafficOut] = Field(description="Per platform and rule, what was removed")


class UsageReportOut(BaseModel):
    id: str
    reporter_id: str
    format: str
    period: str = Field(description="YYYY-MM")
    status: Status = Field(description="received → landing → landed (its lines count), failed "
                                       "(send the same file again to redo it), superseded, or "
                                       "quarantined (the file ended early: nothing counts; send the "
                                       "complete file)")
    sha256: str
    byte_size: int
    encoding: str | None = Field(description="The text encoding found (utf-8-sig or gb18030)")
    replaces_id: str | None
    superseded_by_id: str | None
    job_id: str | None = Field(description="The landing job (GET /api/v1/jobs/{id})")
    lines_read: int
    lines_accepted: int
    lines_rejected: int
    totals: ReportTotalsOut | None = Field(description="Of the accepted lines, once landed")
    options: dict[str, str] = Field(
        default_factory=dict, description="What the file was read with besides its own contents: "
        "a statement's currency, territory, right (as submitted)")
    cleaning: CleaningOut | None = Field(
        default=None, description="An event log's: how much traffic the cleaning rules removed, once landed")
    error: str | None = Field(description="When failed: why")
    created_at: datetime
    landed_at: datetime | None


class RejectionOut(BaseModel):
    line_no: int = Field(description="1-based line of the file (0: the file as a whole)")
    reason: str
    message: str
    field: str | None
    raw: str | None = Field(description="The line as received, cut to 500 characters")


def report_out(report: UsageReport) -> UsageReportOut:
    stored = report.totals or {}
    # Before landing the column holds only the read options; the totals come with the landing.
    totals = ReportTotalsOut.model_validate(stored) if "plays" in stored else None
    cleaning = stored.get("cleaning")
    return UsageReportOut(
        id=report.id, reporter_id=report.reporter_id, format=report.format, period=report.period,
        status=report.status,  # type: ignore[arg-type]
        sha256=report.sha256, byte_size=report.byte_size, encoding=report.encoding,
        replaces_id=report.replaces_id, superseded_by_id=report.superseded_by_id,
        job_id=report.job_id, lines_read=report.lines_read, lines_accepted=report.lines_accepted,
        lines_rejected=report.lines_rejected, totals=totals, error=report.error,
        cleaning=CleaningOut.model_validate(cleaning) if cleaning else None,
        options=stored.get("options", {}),
        created_at=report.created_at, landed_at=report.landed_at)
