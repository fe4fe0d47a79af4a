"""Which landed event logs count for a month (the database says, never a directory listing)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearinghouse.usage.domain import ReportStatus
from clearinghouse.usage.records import ReportFormat
from clearinghouse.usage.tables import UsageReport


def landed_event_reports(session: Session, months: Sequence[str], reporter_id: str | None
                         ) -> list[tuple[str, str, str]]:
    """(period, reporter id, report id) of landed event logs in `months`."""
    query = select(UsageReport.period, UsageReport.reporter_id, UsageReport.id).where(
        UsageReport.period.in_(list(months)), UsageReport.format == ReportFormat.EVENTS.value,
        UsageReport.status == ReportStatus.LANDED.value)
    if reporter_id is not None:
        query = query.where(UsageReport.reporter_id == reporter_id)
    return [(p, r, i) for p, r, i in session.execute(query.order_by(UsageReport.id))]

