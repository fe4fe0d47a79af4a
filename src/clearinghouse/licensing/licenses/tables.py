"""SQLAlchemy tables of licenses: the license and its lines, its history, payments and downloads."""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, JSONType, UTCDateTime
from clearinghouse.core.versioning import Versioned


class License(Versioned, Base):
    __tablename__ = "licenses"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # One license per quote: the unique index is the last line of defence against a double purchase.
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id"), nullable=False, unique=True)
    licensee_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    # Why, as a code anyone may read (reasons.ReasonCode), and as free text for the parties only.
    status_reason_code: Mapped[str | None] = mapped_column(String(30))
    status_reason: Mapped[str | None] = mapped_column(Text)
    use: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    work_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    rights: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    exclusive: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)  # exclusive end; None: perpetual
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    subtotal_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    licensee_fee_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    owner_fee_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    total_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    totals: Mapped[dict[str, Any]] = mapped_column(
        JSON, nullable=False
    )  # the quote's, rates and fees
    unclearable: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    idempotency_key: Mapped[str] = mapped_column(String(200), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    certificate: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # the signed document
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list[LicenseLine]] = relationship(
        order_by="LicenseLine.position", cascade="all, delete-orphan", lazy="selectin"
    )
    __table_args__ = (
        UniqueConstraint("licensee_id", "idempotency_key", name="uq_licenses_licensee_idempotency"),
        Index("ix_licenses_status", "status"),
    )


class LicenseLine(Base):
    """One right in one work from one holder, priced as the quote priced it."""

    __tablename__ = "license_lines"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    license_id: Mapped[str] = mapped_column(
        ForeignKey("licenses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False, index=True)
    work_title: Mapped[str] = mapped_column(String(500), nullable=False)
    right: Mapped[str] = mapped_column(String(40), nullable=False)
    holder_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    holder_name: Mapped[str] = mapped_column(String(300), nullable=False)
    share_ppm: Mapped[int] = mapped_column(Integer, nullable=False)
    offer_id: Mapped[str | None] = mapped_column(String(40))
    offer_version: Mapped[int | None] = mapped_column(Integer)
    template_id: Mapped[str | None] = mapped_column(String(40))
    template_code: Mapped[str | None] = mapped_column(String(60))
    offer_currency: Mapped[str] = mapped_column(String(3), nullable=False)
    fixed_fee_minor: Mapped[int | None] = mapped_column(BigInteger)
    advance_minor: Mapped[int | None] = mapped_column(BigInteger)
    minimum_guarantee_minor: Mapped[int | None] = mapped_column(BigInteger)
    per_1000_plays_minor: Mapped[int | None] = mapped_column(BigInteger)
    per_copy_minor: Mapped[int | None] = mapped_column(BigInteger)
    revenue_share_pct: Mapped[str | None] = mapped_column(String(20))
    upfront_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)  # offer currency
    upfront_converted_minor: Mapped[int] = mapped_column(
        BigInteger, nullable=False
    )  # license currency
    owner_fee_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    holder_net_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # Where this line grants its right (ISO 3166-1 alpha-2, sorted): a partial purchase may
    # clear a right in fewer countries than the use names.
    countries: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)


class LicenseGrant(Base):
    """What a license grants, one row per line, country and channel: the answer to "which active
    license covers work W, right R, for party P on channel C in country X on day D?".

    Written at purchase from the lines; `status` mirrors the license's stored status (kept in
    step by licenses.service.transition). The running terms are the line's (`line_id`).
    """

    __tablename__ = "license_grants"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    license_id: Mapped[str] = mapped_column(
        ForeignKey("licenses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    line_id: Mapped[str] = mapped_column(
        ForeignKey("license_lines.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Copies of the license's and the line's facts, so the question needs no join.
    work_id: Mapped[str] = mapped_column(String(40), nullable=False)
    right: Mapped[str] = mapped_column(String(40), nullable=False)
    licensee_id: Mapped[str] = mapped_column(String(40), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False)
    channel: Mapped[str] = mapped_column(String(40), nullable=False)  # a platform, never a group
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)  # exclusive end; None: perpetual
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    exclusive: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    __table_args__ = (
        # Equality on the first four, then the day: one index probe per single question.
        Index(
            "ix_license_grants_coverage",
            "work_id", "licensee_id", "country", "channel", "valid_from",
        ),
    )


class LicenseEvent(Base):
    """Every change of a license's state, in order; the audit trail has the same with snapshots."""

    __tablename__ = "license_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    license_id: Mapped[str] = mapped_column(
        ForeignKey("licenses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor_party_id: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    reason_code: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)


class Payment(Versioned, Base):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    license_id: Mapped[str] = mapped_column(
        ForeignKey("licenses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    payer_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    provider: Mapped[str] = mapped_column(String(30), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    amount_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # What the payer quotes on the transfer, so the operator can match the money to the license.
    reference: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    instructions: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class Download(Base):
    __tablename__ = "downloads"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    license_id: Mapped[str] = mapped_column(
        ForeignKey("licenses.id", ondelete="CASCADE"), nullable=False, index=True
    )
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    bytes: Mapped[int | None] = mapped_column(BigInteger)
    link_expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class LicenseGrantChange(Base):
    """A log of which (work, licensee) pairs had their grants written, in commit order, so that
    an in-memory copy of the grants reloads only those (licenses/grants_snapshot.py). A row with
    no work_id means "reload everything" (a bulk load)."""

    __tablename__ = "license_grant_changes"
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    # Random per writing transaction: tells a reader that a change it saw was rolled back.
    token: Mapped[str] = mapped_column(String(32), nullable=False)
    work_id: Mapped[str | None] = mapped_column(String(40))
    licensee_id: Mapped[str | None] = mapped_column(String(40))
