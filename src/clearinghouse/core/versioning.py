"""Optimistic concurrency for updates: every update bumps `version`; the caller proves it saw the
current one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import UTCDateTime
from clearinghouse.core.errors import StaleVersion, VersionRequired


def check_version(current: int, given: int | None) -> None:
    if given is None:
        raise VersionRequired(
            "send the version you read (If-Match header with the ETag, or `version` in the body)",
            field="version",
        )
    if given != current:
        raise StaleVersion(
            f"this object changed since you read it (your version {given}, current {current}); "
            "read it again and re-apply your change",
            field="version",
            details=[{"field": "version", "message": "stale", "current_version": current}],
        )


class Versioned:
    """Optimistic concurrency: every update bumps `version`; callers send the version they read."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    def touch(self) -> None:
        """Record an update: the next editor must send this new version back."""
        self.version += 1
        self.updated_at = utcnow()

