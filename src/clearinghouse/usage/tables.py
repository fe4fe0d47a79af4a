"""The usage_reports table: one row per report received, its state, counts and totals.

The lake's files say nothing by themselves: a report's lines count only while its row is
`landed` (see usage/lake.py), so a crash mid-landing or a superseded original is never counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, JSONType, UTCDateTime


class UsageReport(Base):
    __tablename__ = "usage_reports"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # rep_…
    reporter_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    format: Mapped[str] = mapped_column(String(20), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)  # YYYY-MM
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    byte_size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    encoding: Mapped[str | None] = mapped_column(String(20))  # as detected, for text formats
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    # A correction names its original; landing it supersedes the original in one transaction.
    replaces_id: Mapped[str | None] = mapped_column(ForeignKey("usage_reports.id"))
    superseded_by_id: Mapped[str | None] = mapped_column(String(40))
    job_id: Mapped[str | None] = mapped_column(String(40))
    # Which landing may mark the report landed: a redo takes a new attempt, and a landing left
    # from an earlier attempt (host:pid in landing_by) can no longer finish it.
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    landing_by: Mapped[str | None] = mapped_column(String(120))
    lines_read: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    lines_accepted: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    lines_rejected: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # {"plays": int, "copies": int, "revenue": {"CNY": minor, …}, "rejections": {reason: n}}
    totals: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(String(1000))
    submitted_by_id: Mapped[str] = mapped_column(String(40), nullable=False)
    submitted_by_key_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    landed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        # The same bytes from the same reporter for the same period are one report.
        UniqueConstraint("reporter_id", "period", "sha256", name="uq_usage_reports_bytes"),
        Index("ix_usage_reports_reporter", "reporter_id", "created_at"),
        Index("ix_usage_reports_period_status", "period", "status"),
    )
