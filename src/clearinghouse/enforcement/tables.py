"""Enforcement's tables (migration 0026): owners' policies, content claims on identified uploads,
their disputes and the history both sides read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, JSONType, UTCDateTime


class EnforcementPolicy(Base):
    """What an owner wants done with unlicensed uploads of a work in a territory. A row without a
    work is the owner's default for the works it registered; without a territory, everywhere."""

    __tablename__ = "enforcement_policies"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # epo_…
    owner_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    work_id: Mapped[str | None] = mapped_column(ForeignKey("works.id"))
    territory: Mapped[str | None] = mapped_column(String(2))
    policy: Mapped[str] = mapped_column(String(10), nullable=False)
    set_by: Mapped[str] = mapped_column(String(40), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("owner_id", "work_id", "territory", name="uq_enforcement_policies_scope"),
        Index("ix_enforcement_policies_work", "work_id"),
    )


class ContentClaim(Base):
    """One registered work found in one platform upload that no licence covers."""

    __tablename__ = "content_claims"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # ccl_…
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False)
    owner_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    reference_id: Mapped[str] = mapped_column(String(40), nullable=False)
    platform_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    uploader_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    # The platform's content id, and the platform's party id or "-" (one claim per upload).
    upload_ref: Mapped[str] = mapped_column(String(200), nullable=False)
    platform_key: Mapped[str] = mapped_column(String(40), nullable=False)
    uploaded_on: Mapped[date] = mapped_column(Date, nullable=False)
    territory: Mapped[str] = mapped_column(String(2), nullable=False)
    channel: Mapped[str] = mapped_column(String(40), nullable=False)
    duration_s: Mapped[float] = mapped_column(Float, nullable=False)
    media_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    matched: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)  # ranges, speed
    score: Mapped[float] = mapped_column(Float, nullable=False)
    false_match_rate: Mapped[float] = mapped_column(Float, nullable=False)
    policy: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    quote_id: Mapped[str | None] = mapped_column(String(40))  # the offer, policy "offer"
    license_id: Mapped[str | None] = mapped_column(String(40))  # bought from the offer
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("upload_ref", "platform_key", "work_id", name="uq_content_claims_upload"),
        Index("ix_content_claims_owner", "owner_id", "created_at"),
        Index("ix_content_claims_uploader", "uploader_id", "created_at"),
        Index("ix_content_claims_platform", "platform_id", "created_at"),
    )


class ClaimDispute(Base):
    """The uploader's dispute of a claim (at most one per claim) and where it stands."""

    __tablename__ = "claim_disputes"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # cdp_…
    claim_id: Mapped[str] = mapped_column(ForeignKey("content_claims.id"), nullable=False,
                                          unique=True)
    reason: Mapped[str] = mapped_column(String(20), nullable=False)
    evidence: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    opened_by: Mapped[str] = mapped_column(String(40), nullable=False)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)  # the side waited on
    owner_note: Mapped[str | None] = mapped_column(Text)
    decision_note: Mapped[str | None] = mapped_column(Text)
    escrow_released: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_claim_disputes_status", "status", "deadline"),)


class ClaimEvent(Base):
    """One step in a claim's history: who (and on which side), when, what, with its note."""

    __tablename__ = "claim_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("content_claims.id"), nullable=False,
                                          index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(40))  # None: the system (a lapse)
    side: Mapped[str] = mapped_column(String(10), nullable=False)  # owner|uploader|operator|system
    event: Mapped[str] = mapped_column(String(30), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
