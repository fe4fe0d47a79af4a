"""Typed domain errors. The API maps each to one HTTP status and the one error shape."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base for every error a user can cause; `code` is stable and machine-readable."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def to_details(self) -> Any:
        if self.details is not None:
            return self.details
        if self.field is not None:
            return [{"field": self.field, "message": self.message}]
        return None


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409


class StaleVersion(DomainError):
    """The caller edited an object that changed since it read it."""

    code = "stale_version"
    status = 412


class VersionRequired(DomainError):
    code = "version_required"
    status = 428


class Gone(DomainError):
    code = "gone"
    status = 410


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    status = 413


class TooManyAttempts(DomainError):
    """Too many failed attempts from this client or at this key: wait `retry_after` seconds."""

    code = "too_many_requests"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after_seconds": retry_after})
        self.retry_after = retry_after
