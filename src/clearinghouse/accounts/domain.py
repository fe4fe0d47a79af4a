"""Rules of accounts and sign-in sessions. Pure: no database, no framework."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

PASSWORD_MIN_CHARS = 10
PASSWORD_MAX_CHARS = 200  # argon2 hashes whatever it is given: bound the work per attempt
SESSION_LIFETIME = timedelta(days=14)
# Failed sign-ins in a moving window: an account (by the email typed, known or not, so a lockout
# tells nothing about who has an account) and a client address each have their own budget.
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_CLIENT = 20
FAILURE_WINDOW_SECONDS = 15 * 60
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{1,63}")


class SignupKind(StrEnum):
    """Who signs themselves up: a creator (a person) or a brand (an organisation); both license."""

    CREATOR = "creator"
    BRAND = "brand"


class AccountRefused(ValueError):
    """Input a person can correct; `field` names the form field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    text = email.strip().lower()
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise AccountRefused("enter an email address such as name@example.com", "email")
    return text


def check_new_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_CHARS:
        raise AccountRefused(f"choose a password of at least {PASSWORD_MIN_CHARS} characters",
                             "password")
    if len(password) > PASSWORD_MAX_CHARS:
        raise AccountRefused(f"a password may have at most {PASSWORD_MAX_CHARS} characters",
                             "password")


def new_session_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits: a fast hash of it is safe to store


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionTerms:
    token: str  # goes into the cookie, never stored
    token_hash: str
    csrf_token: str
    expires_at: datetime


def new_session(now: datetime) -> SessionTerms:
    token = new_session_token()
    return SessionTerms(token, token_hash(token), secrets.token_urlsafe(32), now + SESSION_LIFETIME)


def is_live(expires_at: datetime, now: datetime) -> bool:
    return now < expires_at


# Owners: a sign-up waits for the operator's approval; an invitation link is single use and expires.
INVITATION_LIFETIME = timedelta(days=7)


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


def invitation_state(expires_at: datetime, used_at: datetime | None, now: datetime) -> str:
    """`open`, `used` or `expired`: only an open invitation sets a password."""
    if used_at is not None:
        return "used"
    return "open" if is_live(expires_at, now) else "expired"
class FailureScope(StrEnum):
    """What a failed sign-in is counted against: the email typed, and the client's address."""

    ACCOUNT = "account"
    CLIENT = "client"


def failure_subject(scope: FailureScope, value: str) -> str:
    """Only a hash is kept: people type passwords into the email box."""
    return hashlib.sha256(f"{scope.value}:{value}".encode()).hexdigest()


def failure_limit(scope: FailureScope) -> int:
    return FAILURES_PER_ACCOUNT if scope is FailureScope.ACCOUNT else FAILURES_PER_CLIENT


def lockout_seconds(failed_at: Sequence[datetime], limit: int, now: datetime,
                    window_seconds: int = FAILURE_WINDOW_SECONDS) -> int:
    """Whole seconds until one more attempt is allowed (0: now), given the failures in the moving
    window: with `limit` or more, the wait ends when all but limit - 1 of them have left it."""
    window = timedelta(seconds=window_seconds)
    recent = sorted(at for at in failed_at if now - window < at <= now)
    if len(recent) < limit:
        return 0
    frees_at = recent[len(recent) - limit] + window
    return max(1, math.ceil((frees_at - now).total_seconds()))
