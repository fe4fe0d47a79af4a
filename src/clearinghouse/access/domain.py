"""Who is calling and what their roles allow. Pure: object checks get the facts passed in."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    AGENT = "agent"
    LICENSEE = "licensee"
    PLATFORM = "platform"
    OPERATOR = "operator"


KEY_PREFIX = "chk"
# `chk_<12 hex lookup>_<url-safe secret>`; anything else is refused before any database lookup.
_TOKEN = re.compile(r"chk_([0-9a-f]{12})_([A-Za-z0-9_-]{1,128})")


@dataclass(frozen=True)
class MandateGrant:
    owner_id: str
    rights: frozenset[str]  # empty: every right
    valid_from: date
    valid_to: date | None

    def covers(self, owner_id: str, rights: Iterable[str], on: date) -> bool:
        if owner_id != self.owner_id or on < self.valid_from:
            return False
        if self.valid_to is not None and on >= self.valid_to:
            return False
        return not self.rights or set(rights) <= self.rights


@dataclass(frozen=True)
class Principal:
    party_id: str
    roles: frozenset[str]
    key_id: str | None = None
    mandates: tuple[MandateGrant, ...] = field(default=())

    def has(self, *roles: Role) -> bool:
        return any(r.value in self.roles for r in roles)

    @property
    def is_operator(self) -> bool:
        return Role.OPERATOR.value in self.roles

    def acts_for(self, owner_id: str, rights: Iterable[str] = (), on: date | None = None) -> bool:
        """True when the caller is the owner, the operator, or an agent with a covering mandate."""
        if self.is_operator or owner_id == self.party_id:
            return True
        if Role.AGENT.value not in self.roles:
            return False
        when = on or date.today()
        rights = list(rights)
        return any(m.covers(owner_id, rights, when) for m in self.mandates)


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    lookup: str
    secret_hash: str
    token: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    # API keys are 192-bit random, so a fast hash is safe; passwords (web sign-in) use argon2.
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_key(key_id: str, token: str | None = None) -> IssuedKey:
    """A fresh random key, or (for the documented demo keys only) the given token."""
    if token is not None:
        parsed = parse_token(token)
        if parsed is None:
            raise ValueError("malformed key token")
        lookup, secret = parsed
        return IssuedKey(key_id, lookup, hash_secret(secret), token)
    lookup = secrets.token_hex(6)
    secret = secrets.token_urlsafe(24)
    return IssuedKey(key_id, lookup, hash_secret(secret), f"{KEY_PREFIX}_{lookup}_{secret}")


def parse_token(token: str) -> tuple[str, str] | None:
    """(lookup, secret) of a well-formed key, else None."""
    match = _TOKEN.fullmatch(token)
    return (match[1], match[2]) if match else None


def key_prefix(lookup: str) -> str:
    """The public part of a key that names it in logs and the audit trail: never the secret."""
    return f"{KEY_PREFIX}_{lookup}_"


def secret_matches(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), secret_hash)
