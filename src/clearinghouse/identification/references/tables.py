"""The reference media rows (the files themselves are in the FileStore, the prints in the index)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, UTCDateTime


class MediaReference(Base):
    """One reference file of a work. The id is an integer: the fingerprint indexes key on it
    (core/media_match.py MediaMatch.reference_id)."""

    __tablename__ = "media_references"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    work_id: Mapped[str] = mapped_column(ForeignKey("works.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # audio | video | image
    duration_s: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    byte_size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    file_key: Mapped[str] = mapped_column(String(300), nullable=False)
    file_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # indexed | stored
    audio_prints: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    visual_prints: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    added_by_id: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # The same file twice for the same work is one reference.
    __table_args__ = (UniqueConstraint("work_id", "sha256", name="uq_media_references_work_sha"),)
