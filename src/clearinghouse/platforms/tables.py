"""SQLAlchemy tables of the platform list: platforms and the aliases they answer to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, UTCDateTime
from clearinghouse.core.versioning import Versioned


class PlatformRow(Versioned, Base):
    __tablename__ = "platforms"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)  # stable: stored in quotes
    name_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    name_en: Mapped[str] = mapped_column(String(100), nullable=False)
    platform_type: Mapped[str | None] = mapped_column(String(20))  # general | aggregator
    short_video: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"), index=True)

    aliases: Mapped[list[PlatformAlias]] = relationship(
        order_by="PlatformAlias.id", lazy="selectin", cascade="all, delete-orphan"
    )


class PlatformAlias(Base):
    __tablename__ = "platform_aliases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform_code: Mapped[str] = mapped_column(
        ForeignKey("platforms.code"), nullable=False, index=True
    )
    alias: Mapped[str] = mapped_column(String(100), nullable=False)
    # The folded alias (core.platforms.fold): one platform per name, whatever the case or width.
    alias_key: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
