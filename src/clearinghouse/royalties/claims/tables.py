"""Usage claims. An accepted claim is also the alias matching reads (`alias_scheme`,
`alias_value` → `work_id`): the claim is the record of why the alias exists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, UTCDateTime


class UsageClaim(Base):
    __tablename__ = "usage_claims"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # ucl_…
    claimant_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    filed_by_id: Mapped[str] = mapped_column(String(40), nullable=False)  # the owner or its agent
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False)
    # The item of the unmatched report, as it groups it.
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    reason: Mapped[str] = mapped_column(String(30), nullable=False)
    identifier: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(500))
    alias_scheme: Mapped[str] = mapped_column(String(60), nullable=False)
    alias_value: Mapped[str] = mapped_column(String(500), nullable=False)
    evidence: Mapped[str] = mapped_column(Text, nullable=False)
    evidence_file: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # domain.ClaimStatus
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[str | None] = mapped_column(String(40))
    decision_reason: Mapped[str | None] = mapped_column(String(40))  # domain.RejectReason
    decision_note: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (
        Index("ix_usage_claims_status_created", "status", "created_at"),
        Index("ix_usage_claims_claimant", "claimant_id"),
        Index("ix_usage_claims_alias", "alias_scheme", "alias_value", "status"),
    )
