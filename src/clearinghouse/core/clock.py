"""Time is timezone-aware UTC everywhere; a date range is half-open [start, end)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def ranges_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Half-open ranges; None means open-ended (perpetual)."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)
