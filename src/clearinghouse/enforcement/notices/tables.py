"""The record of every notice sent: its facts as sent, for whom, to which platform."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.db import Base, JSONType, UTCDateTime
from clearinghouse.enforcement.tables import ContentClaim


class EnforcementNotice(Base):
    __tablename__ = "enforcement_notices"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The content claim the notice is about (none for a notice issued by hand).
    claim_id: Mapped[str | None] = mapped_column(ForeignKey(ContentClaim.id), index=True)
    work_id: Mapped[str | None] = mapped_column(ForeignKey("works.id"), index=True)
    owner_party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"), index=True)
    platform_party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False,
                                                   index=True)
    languages: Mapped[str] = mapped_column(String(10), nullable=False)  # "zh,en"
    facts: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    delivery_id: Mapped[str | None] = mapped_column(ForeignKey("webhook_deliveries.id"))
