"""Sends due webhook deliveries: one short transaction to take a delivery, the POST outside any
transaction, one short transaction to record what came of it. The wait before a retry is a
persisted `next_attempt_at`, never a sleep, so any process (the CLI `webhooks deliver`, a job
on a timer) picks up where another stopped."""

from __future__ import annotations

import ipaddress
import json
import random
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.platforms.webhooks import domain, repository
from clearinghouse.platforms.webhooks.secret_box import SecretBox
from clearinghouse.platforms.webhooks.tables import WebhookDelivery

MAX_ERROR_CHARS = 500
USER_AGENT = "Clearinghouse-Webhooks/1"


@dataclass(frozen=True)
class Attempt:
    delivery_id: str
    url: str
    headers: dict[str, str]
    body: bytes
    attempts_made: int


def body_of(row: WebhookDelivery) -> bytes:
    """What is POSTed: the same bytes on every attempt (only the timestamp header changes)."""
    envelope = {"id": row.id, "event": row.event, "created_at": row.created_at.isoformat(),
                "data": row.payload}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True).encode()


def _take(session: Session, delivery_id: str, box: SecretBox, now: datetime,
          lease: timedelta) -> Attempt | None:
    """Count the attempt before sending: a crash mid-send shows as an attempt made, retried
    once its lease is over rather than lost or sent twice at once."""
    row = repository.delivery(session, delivery_id, for_update=True, skip_locked=True)
    if row is None or row.status != "pending" or (row.next_attempt_at or now) > now:
        return None
    target = repository.endpoint(session, row.endpoint_id)
    if target is None or target.removed_at is not None:
        row.status, row.next_attempt_at, row.last_error = "dead", None, "endpoint removed"
        return None
    row.attempts += 1
    row.next_attempt_at = now + lease
    stamp = int(now.timestamp())
    body = body_of(row)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        domain.EVENT_HEADER: row.event,
        domain.DELIVERY_HEADER: row.id,
        domain.TIMESTAMP_HEADER: str(stamp),
        domain.SIGNATURE_HEADER: domain.signature(box.open_secret(target.secret_sealed), stamp,
                                                  body),
    }
    return Attempt(row.id, target.url, headers, body, row.attempts)


def private_destination(host: str) -> bool:
    """Whether `host` resolves to any address that is not on the public internet (private,
    loopback, link-local, reserved): a platform's endpoint must not reach inside our network.
    Unresolvable: False (the delivery then fails and is retried like any connection error)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return any(not ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)


def send(client: httpx.Client, attempt: Attempt) -> domain.Outcome:
    target = urlsplit(attempt.url)
    # http was admitted only to loopback (a development setting); https must stay public, as
    # its name may have come to resolve inside our network since it was registered.
    if target.scheme == "https" and private_destination(target.hostname or ""):
        return domain.Outcome("dead", None, "the endpoint's address is not a public one")
    try:
        answer = client.post(attempt.url, content=attempt.body, headers=attempt.headers)
    except httpx.TimeoutException as exc:
        return domain.Outcome("retry", None, f"timeout: {exc}"[:MAX_ERROR_CHARS])
    except httpx.TransportError as exc:  # connection refused, reset, DNS, TLS
        return domain.Outcome("retry", None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS])
    verdict = domain.verdict_of_status(answer.status_code)
    error = None if verdict == "delivered" else f"HTTP {answer.status_code}"
    return domain.Outcome(verdict, answer.status_code, error)


def _record(session: Session, attempt: Attempt, outcome: domain.Outcome, max_attempts: int,
            now: datetime, rng: random.Random | None) -> str:
    row = repository.delivery(session, attempt.delivery_id, for_update=True)
    if row is None:
        return "gone"
    status, due = domain.next_state(outcome, attempt.attempts_made, max_attempts, now, rng)
    row.status, row.next_attempt_at = status, due
    row.last_status_code, row.last_error = outcome.status_code, outcome.error
    if status == "delivered":
        row.delivered_at = now
    return status


def deliver_due(sessions: sessionmaker[Session], *, box: SecretBox, max_attempts: int,
                timeout_seconds: float, clock: Callable[[], datetime] = utcnow, limit: int = 100,
                client: httpx.Client | None = None,
                rng: random.Random | None = None) -> Counter[str]:
    """Send every delivery due now (at most `limit`); counts of what each came to."""
    lease = timedelta(seconds=timeout_seconds + 60)
    outcomes: Counter[str] = Counter()
    with unit_of_work(sessions) as session:
        due = repository.due_ids(session, clock(), limit)
    own_client = client is None
    http = client or httpx.Client(timeout=timeout_seconds, follow_redirects=False)
    try:
        for delivery_id in due:
            with unit_of_work(sessions) as session:
                attempt = _take(session, delivery_id, box, clock(), lease)
            if attempt is None:
                continue
            outcome = send(http, attempt)
            with unit_of_work(sessions) as session:
                outcomes[_record(session, attempt, outcome, max_attempts, clock(), rng)] += 1
    finally:
        if own_client:
            http.close()
    return outcomes
