"""SQLAlchemy tables of the registry: parties, people, keys, mandates, works, holdings, conflicts, audit."""

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
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, UTCDateTime
from clearinghouse.core.versioning import Versioned


class Party(Versioned, Base):
    __tablename__ = "parties"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # person | organisation
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(300))
    name_zh: Mapped[str | None] = mapped_column(String(300))
    roles: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(Text)
    contact_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    isni: Mapped[str | None] = mapped_column(String(16))
    # What the party is paid in as a holder; None: the currency of each licence.
    payout_currency: Mapped[str | None] = mapped_column(String(3))


class User(Base):
    """A person who signs in (web sign-in arrives later); acts for exactly one party."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    lookup: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Mandate(Versioned, Base):
    __tablename__ = "mandates"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    rights: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)  # empty: all
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)


class WorkType(Base):
    """Types are data: the operator adds one without touching code."""

    __tablename__ = "work_types"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("work_types.code"))
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    name_en: Mapped[str] = mapped_column(String(100), nullable=False)
    name_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    length_unit: Mapped[str] = mapped_column(String(20), nullable=False)


class Work(Versioned, Base):
    __tablename__ = "works"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("work_types.code"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    alt_titles: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    language: Mapped[str | None] = mapped_column(String(20))
    length: Mapped[int | None] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    publication_date: Mapped[date | None] = mapped_column(Date)
    moral_rights: Mapped[str] = mapped_column(String(30), nullable=False, default="not_stated")
    registrant_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    file_key: Mapped[str | None] = mapped_column(String(300))
    file_name: Mapped[str | None] = mapped_column(String(300))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_sha256: Mapped[str | None] = mapped_column(String(64))

    creators: Mapped[list[WorkCreator]] = relationship(
        order_by="WorkCreator.position", cascade="all, delete-orphan", lazy="selectin"
    )
    identifiers: Mapped[list[WorkIdentifier]] = relationship(
        order_by="WorkIdentifier.id", cascade="all, delete-orphan", lazy="selectin"
    )
    tags: Mapped[list[WorkTag]] = relationship(
        order_by="WorkTag.tag", cascade="all, delete-orphan", lazy="selectin"
    )


class WorkCreator(Base):
    __tablename__ = "work_creators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    role: Mapped[str] = mapped_column(String(40), nullable=False)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    __table_args__ = (Index("ix_work_creators_name", "name"),)


class WorkIdentifier(Base):
    __tablename__ = "work_identifiers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(40), nullable=False)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
    __table_args__ = (UniqueConstraint("scheme", "value", name="uq_work_identifiers_scheme_value"),)


class WorkTag(Base):
    __tablename__ = "work_tags"
    work_id: Mapped[str] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    __table_args__ = (Index("ix_work_tags_tag", "tag"),)


class WorkRelation(Base):
    __tablename__ = "work_relations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    from_work_id: Mapped[str] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), nullable=False, index=True
    )
    to_work_id: Mapped[str] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    __table_args__ = (
        UniqueConstraint("from_work_id", "to_work_id", "kind", name="uq_work_relations_triple"),
    )


class Holding(Versioned, Base):
    __tablename__ = "holdings"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False, index=True)
    holder_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False, index=True)
    rights: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    share_ppm: Mapped[int] = mapped_column(Integer, nullable=False)
    territories: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    territories_excluded: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)
    administrator_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"), index=True)
    collective: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # active | pending (a claim awaiting the work's managers) | rejected | withdrawn
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    # Whether this holding makes its holder a manager of the work (docs/registry.md).
    manages_work: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                               server_default=false())
    warranty_text: Mapped[str] = mapped_column(Text, nullable=False)
    warranted_by: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    warranted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class OwnershipConflict(Base):
    __tablename__ = "conflicts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="over_claim",
                                      server_default="over_claim")  # over_claim | claim
    right: Mapped[str] = mapped_column(String(40), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    holding_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    party_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    territories: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date | None] = mapped_column(Date)
    total_share_ppm: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_conflicts_work_fingerprint", "work_id", "fingerprint"),)


