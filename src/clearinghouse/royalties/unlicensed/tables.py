"""The owner's offers and claims on unlicensed use (migration 0024)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, JSONType, UTCDateTime


class UnlicensedAction(Base):
    """An offer (a quote addressed to the user) or a claim on one unlicensed use."""

    __tablename__ = "unlicensed_actions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # ula_…
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # offer | claim
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    holder_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    user_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    channel: Mapped[str | None] = mapped_column(String(40))
    territory: Mapped[str] = mapped_column(String(2), nullable=False)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    quote_id: Mapped[str | None] = mapped_column(String(40))  # an offer's
    license_id: Mapped[str | None] = mapped_column(String(40))  # bought from the offer
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    amount_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amount_basis: Mapped[str] = mapped_column(String(10), nullable=False)  # routine | stated
    note: Mapped[str | None] = mapped_column(Text)  # the user's, when it disputes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        Index("ix_unlicensed_actions_holder", "holder_id", "created_at"),
        Index("ix_unlicensed_actions_user", "user_id", "created_at"),
        Index("ix_unlicensed_actions_use", "work_id", "user_id"),
    )
