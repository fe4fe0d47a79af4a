"""The pure rules of webhooks: which URLs, how a body is signed and verified, what an answer
means, and when the next attempt is due. No database, no network."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

SIGNATURE_VERSION = "v1"
SECRET_PREFIX = "whsec_"
MAX_URL_CHARS = 2000
REPLAY_WINDOW_SECONDS = 300  # a receiver refuses a timestamp further than this from its clock
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 6 * 3600
# Sent as headers with every attempt; the delivery id stays the same on retries.
EVENT_HEADER = "X-Clearinghouse-Event"
DELIVERY_HEADER = "X-Clearinghouse-Delivery"
TIMESTAMP_HEADER = "X-Clearinghouse-Timestamp"
SIGNATURE_HEADER = "X-Clearinghouse-Signature"
EVENTS = ("notice.issued",)
RETRYABLE_STATUSES = frozenset({408, 429})

Verdict = Literal["delivered", "retry", "dead"]


class BadEndpointUrl(ValueError):
    """The URL is not one we send to."""


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def check_url(url: str, *, allow_http_loopback: bool) -> str:
    """https only; plain http only to a loopback address when the setting allows (tests, dev)."""
    if len(url) > MAX_URL_CHARS:
        raise BadEndpointUrl(f"the URL is longer than {MAX_URL_CHARS} characters")
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise BadEndpointUrl("the URL must not carry a user name or password")
    if not parts.hostname:
        raise BadEndpointUrl("the URL names no host")
    if parts.scheme == "https":
        if _loopback(parts.hostname) or _private_literal(parts.hostname):
            raise BadEndpointUrl("the URL must name a public address, not a loopback or private "
                                 "network one")
        return url
    if parts.scheme == "http" and allow_http_loopback and _loopback(parts.hostname):
        return url
    raise BadEndpointUrl("the URL must be https (plain http only to a loopback address when "
                         "CLEARINGHOUSE_WEBHOOK_ALLOW_HTTP_LOOPBACK is set)")


def _private_literal(host: str) -> bool:
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` keyed by the endpoint's secret."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={mac.hexdigest()}"


def verify(secret: str, timestamp_header: str, signature_header: str, body: bytes,
           now: datetime, window_seconds: int = REPLAY_WINDOW_SECONDS) -> bool:
    """What a receiver does: the timestamp is recent and the signature matches, in constant time."""
    try:
        timestamp = int(timestamp_header)
    except ValueError:
        return False
    if abs(now.timestamp() - timestamp) > window_seconds:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), signature_header)


def verdict_of_status(status_code: int) -> Verdict:
    """2xx delivered; 408, 429 and 5xx are worth another try; anything else (3xx: redirects are
    not followed, other 4xx: the receiver refuses this delivery) will not change by retrying."""
    if 200 <= status_code < 300:
        return "delivered"
    if status_code in RETRYABLE_STATUSES or status_code >= 500:
        return "retry"
    return "dead"


def retry_delay(attempts_made: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with jitter: 30 s doubling per attempt, capped at 6 h, each wait drawn
    from its upper half so that many deliveries failing at once do not retry at once."""
    ceiling = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts_made - 1))
    draw = (rng or random).uniform(0.5, 1.0)
    return timedelta(seconds=ceiling * draw)


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: the verdict and, when it failed, why."""

    verdict: Verdict
    status_code: int | None
    error: str | None


def next_state(outcome: Outcome, attempts_made: int, max_attempts: int, now: datetime,
               rng: random.Random | None = None) -> tuple[str, datetime | None]:
    """(status, next_attempt_at) after an attempt: delivered, dead, or pending again later."""
    if outcome.verdict == "delivered":
        return "delivered", None
    if outcome.verdict == "dead" or attempts_made >= max_attempts:
        return "dead", None
    return "pending", now + retry_delay(attempts_made, rng)
