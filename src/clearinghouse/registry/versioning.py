"""Optimistic concurrency for updates: the caller proves it saw the current version."""

from __future__ import annotations

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
