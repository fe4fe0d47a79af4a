"""SQLAlchemy tables of the licensing catalogue: templates, rate cards (offers), exchange rates,
fee schedules, quotes and referrals. (Licenses, payments and downloads: licenses/tables.py.)"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, UTCDateTime
from clearinghouse.core.versioning import Versioned


class LicenseTemplate(Versioned, Base):
    """A routine use the operator defines once; owners price it per work (see Offer)."""

    __tablename__ = "license_templates"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    name_en: Mapped[str] = mapped_column(String(200), nullable=False)
    name_zh: Mapped[str] = mapped_column(String(200), nullable=False)
    description_en: Mapped[str | None] = mapped_column(Text)
    description_zh: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)
    channels: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    max_uses: Mapped[int] = mapped_column(Integer, nullable=False)
    portion_unit: Mapped[str] = mapped_column(String(10), nullable=False)
    portion_value: Mapped[int | None] = mapped_column(Integer)  # None for "whole"
    modification: Mapped[str] = mapped_column(String(30), nullable=False)
    territories: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    territories_excluded: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    term_days: Mapped[int | None] = mapped_column(Integer)  # None: perpetual
    exclusive: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Offer(Versioned, Base):
    """A holder's price for a template: for some works (`work_ids`) or its whole catalogue.

    Prices are per right listed in `rights` and are what this holder charges for its share.
    `declined` records that the holder will not license this template (quotes say so).
    """

    __tablename__ = "offers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    template_id: Mapped[str] = mapped_column(ForeignKey("license_templates.id"), nullable=False,
                                             index=True)
    scope: Mapped[str] = mapped_column(String(20), nullable=False)  # works | catalogue
    work_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    rights: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    fixed_fee_minor: Mapped[int | None] = mapped_column(BigInteger)
    per_1000_plays_minor: Mapped[int | None] = mapped_column(BigInteger)
    per_copy_minor: Mapped[int | None] = mapped_column(BigInteger)
    revenue_share_pct: Mapped[str | None] = mapped_column(String(20))  # Decimal as text
    advance_minor: Mapped[int | None] = mapped_column(BigInteger)
    minimum_guarantee_minor: Mapped[int | None] = mapped_column(BigInteger)
    declined: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    created_by: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    __table_args__ = (Index("ix_offers_holder_status", "holder_id", "status"),)


class ExchangeRate(Base):
    """`rate` units of `quote` currency per one unit of `base`, from `effective` on."""

    __tablename__ = "exchange_rates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    base: Mapped[str] = mapped_column(String(3), nullable=False)
    quote: Mapped[str] = mapped_column(String(3), nullable=False)
    rate: Mapped[str] = mapped_column(String(40), nullable=False)  # Decimal as text, never a float
    effective: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (
        UniqueConstraint("base", "quote", "effective", name="uq_exchange_rates_pair_effective"),
    )


class FeeSchedule(Base):
    """The clearinghouse's service fees, in percent, from `effective` on."""

    __tablename__ = "fee_schedules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    licensee_pct: Mapped[str] = mapped_column(String(20), nullable=False)  # added on top
    owner_pct: Mapped[str] = mapped_column(String(20), nullable=False)  # deducted from proceeds
    effective: Mapped[date] = mapped_column(Date, nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Quote(Versioned, Base):
    """One priced answer to a stated use; its lines snapshot the offers so the price holds until
    `expires_at`. The JSON shapes are a contract with purchase (see docs/licensing.md)."""

    __tablename__ = "quotes"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    licensee_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    use: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    unclearable: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    totals: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="quote")
    referral_id: Mapped[str | None] = mapped_column(String(40), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class Referral(Versioned, Base):
    """A use no routine offer clears, sent to the holder (or its administrator) to negotiate."""

    __tablename__ = "referrals"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    licensee_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    holder_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    administrator_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"), index=True)
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False, index=True)
    right: Mapped[str] = mapped_column(String(40), nullable=False)
    share_ppm: Mapped[int] = mapped_column(Integer, nullable=False)
    use: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)  # the licensee's
    reason: Mapped[str | None] = mapped_column(String(40))  # why the quote could not clear it
    from_quote_id: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    price: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # latest countered/accepted terms
    quote_id: Mapped[str | None] = mapped_column(String(40))  # created when accepted


class ReferralMessage(Base):
    """One entry on a referral's thread: a message, or a step (counter, accept, decline…)."""

    __tablename__ = "referral_messages"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    body: Mapped[str | None] = mapped_column(Text)
    price: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
