"""Deal-flow imports and their deals. The amount is kept as written: conventions apply when a
summary is read, so changing one never needs a re-import."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, UTCDateTime


class DealImport(Base):
    __tablename__ = "deal_imports"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # dim_…
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    deal_count: Mapped[int] = mapped_column(Integer, nullable=False)
    first_month: Mapped[str] = mapped_column(String(7), nullable=False)
    last_month: Mapped[str] = mapped_column(String(7), nullable=False)
    imported_by_id: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class DealRecord(Base):
    __tablename__ = "deals"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # deal_…
    import_id: Mapped[str] = mapped_column(ForeignKey("deal_imports.id"), nullable=False)
    line: Mapped[int] = mapped_column(Integer, nullable=False)
    month: Mapped[str] = mapped_column(String(7), nullable=False)
    company: Mapped[str] = mapped_column(String(200), nullable=False)
    business: Mapped[str] = mapped_column(String(300), nullable=False)
    category: Mapped[str] = mapped_column(String(10), nullable=False)  # domain.Category
    round: Mapped[str] = mapped_column(String(40), nullable=False)
    amount_text: Mapped[str] = mapped_column(String(60), nullable=False)
    investors: Mapped[str] = mapped_column(String(1000), nullable=False)

    __table_args__ = (Index("ix_deals_import_month", "import_id", "month"),)
