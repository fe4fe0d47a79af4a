"""Each identification asked for: who asked, the upload's facts, the file's hash, what was found."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, JSONType, UTCDateTime


class UploadCheck(Base):
    __tablename__ = "upload_checks"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    requested_by_id: Mapped[str] = mapped_column(String(40), nullable=False)
    platform_party_id: Mapped[str | None] = mapped_column(String(40))
    uploader_party_id: Mapped[str | None] = mapped_column(String(40))
    upload_ref: Mapped[str] = mapped_column(String(200), nullable=False)
    uploaded_on: Mapped[date] = mapped_column(Date, nullable=False)
    territory: Mapped[str] = mapped_column(String(2), nullable=False)
    channel: Mapped[str] = mapped_column(String(40), nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    byte_size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    duration_s: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    licence_id: Mapped[str | None] = mapped_column(String(40))  # the licence its manifest names
    licence_verdict: Mapped[str] = mapped_column(String(30), nullable=False)
    results: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (Index("ix_upload_checks_requested_by", "requested_by_id", "created_at"),)
