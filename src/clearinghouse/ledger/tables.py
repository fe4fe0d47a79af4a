"""SQLAlchemy tables of the ledger: accounts, immutable entries and their postings.

Entries and postings are append-only (database triggers refuse UPDATE and DELETE, see migration
0004); a correction is a new entry that reverses the old one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, UTCDateTime


class LedgerAccount(Base):
    __tablename__ = "ledger_accounts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(
        String(30), nullable=False
    )  # licensee | holder | operator | clearing
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40), nullable=False)
    normal_side: Mapped[str] = mapped_column(String(6), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    memo: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # What the entry is about, e.g. ("license", "lic_…") or ("payment", "pay_…").
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(40))
    reverses_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    actor_party_id: Mapped[str | None] = mapped_column(String(40))
    # The licence the entry belongs to (charge, payment, conversion), so it can be found by it.
    license_id: Mapped[str | None] = mapped_column(String(40), index=True)
    # A currency conversion records the rate it used: `fx_rate` units of `fx_quote` per one
    # `fx_base`, effective `fx_effective`, from `fx_source` (text of a Decimal, never a float).
    fx_base: Mapped[str | None] = mapped_column(String(3))
    fx_quote: Mapped[str | None] = mapped_column(String(3))
    fx_rate: Mapped[str | None] = mapped_column(String(40))
    fx_effective: Mapped[date | None] = mapped_column(Date)
    fx_source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    postings: Mapped[list[LedgerPosting]] = relationship(
        order_by="LedgerPosting.id", lazy="selectin", viewonly=True
    )
    __table_args__ = (Index("ix_ledger_entries_subject", "subject_type", "subject_id"),)


class LedgerPosting(Base):
    __tablename__ = "ledger_postings"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    entry_id: Mapped[str] = mapped_column(
        ForeignKey("ledger_entries.id"), nullable=False, index=True
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("ledger_accounts.id"), nullable=False, index=True
    )
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    amount_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)  # debit > 0, credit < 0
    memo: Mapped[str | None] = mapped_column(String(200))

    account: Mapped[LedgerAccount] = relationship(lazy="joined", viewonly=True)
