"""Webhook use cases: a platform registers, lists and removes its endpoints; features enqueue
events for a platform; the platform (or the operator) reads dead letters and redelivers them.
Sending is deliverer.py's. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.audit import record
from clearinghouse.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.platforms.webhooks import domain, repository
from clearinghouse.platforms.webhooks.schemas import WebhookCreate
from clearinghouse.platforms.webhooks.secret_box import SecretBox
from clearinghouse.platforms.webhooks.tables import WebhookDelivery, WebhookEndpoint

MAX_ENDPOINTS = 5


def require_platform(principal: Principal) -> None:
    if not principal.has(Role.PLATFORM):
        raise Forbidden("only a platform registers webhook endpoints")


def register_endpoint(session: Session, principal: Principal, data: WebhookCreate, *,
                      box: SecretBox, allow_http_loopback: bool,
                      now: datetime) -> tuple[WebhookEndpoint, str]:
    """The new endpoint and its signing secret (returned this once; stored sealed)."""
    require_platform(principal)
    try:
        url = domain.check_url(data.url, allow_http_loopback=allow_http_loopback)
    except domain.BadEndpointUrl as exc:
        raise ValidationFailed(str(exc), field="url") from exc
    live = repository.live_endpoints(session, principal.party_id)
    if len(live) >= MAX_ENDPOINTS:
        raise Conflict(f"a platform has at most {MAX_ENDPOINTS} webhook endpoints", field="url")
    if any(row.url == url for row in live):
        raise Conflict("this URL is registered already", field="url")
    secret = domain.new_secret()
    row = WebhookEndpoint(id=new_id("whe"), party_id=principal.party_id, url=url,
                          events=sorted(set(data.events)), secret_sealed=box.seal(secret),
                          created_at=now)
    repository.add(session, row)
    record(session, principal, "webhook.register", "webhook_endpoint", row.id, None,
           {"url": url, "events": row.events})
    return row, secret


def list_endpoints(session: Session, principal: Principal) -> Sequence[WebhookEndpoint]:
    require_platform(principal)
    return repository.live_endpoints(session, principal.party_id)


def _own_endpoint(session: Session, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    row = repository.endpoint(session, endpoint_id)
    if row is None or row.removed_at is not None or (
            row.party_id != principal.party_id and not principal.is_operator):
        raise NotFound(f"webhook endpoint {endpoint_id} not found", field="endpoint_id")
    return row


def remove_endpoint(session: Session, principal: Principal, endpoint_id: str,
                    now: datetime) -> WebhookEndpoint:
    """No more deliveries to it; what was still pending is dead-lettered (and can be
    redelivered to another endpoint of the platform)."""
    if not principal.is_operator:
        require_platform(principal)
    row = _own_endpoint(session, principal, endpoint_id)
    row.removed_at = now
    for pending in repository.pending_of_endpoint(session, row.id):
        pending.status, pending.next_attempt_at = "dead", None
        pending.last_error = "endpoint removed"
    session.flush()
    record(session, principal, "webhook.remove", "webhook_endpoint", row.id,
           {"url": row.url}, None)
    return row


def enqueue(session: Session, *, platform_party_id: str, event: str, payload: dict[str, Any],
            now: datetime) -> str | None:
    """One delivery per live endpoint of the platform that takes this event; the id of the
    first, or None when the platform has registered none (nothing is sent, nothing is lost:
    what the event is about stays readable through the API and the pages)."""
    if event not in domain.EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    first: str | None = None
    for target in repository.live_endpoints(session, platform_party_id):
        if event not in target.events:
            continue
        row = WebhookDelivery(id=new_id("whd"), endpoint_id=target.id, party_id=platform_party_id,
                              event=event, payload=payload, status="pending", attempts=0,
                              next_attempt_at=now, created_at=now)
        repository.add(session, row)
        first = first or row.id
    return first


def _visible_party(principal: Principal) -> str | None:
    if principal.is_operator:
        return None  # the operator sees every platform's
    require_platform(principal)
    return principal.party_id


def deliveries(session: Session, principal: Principal,
               status: str | None = None) -> list[tuple[WebhookDelivery, str]]:
    """Deliveries the caller may see (its own; the operator: all), each with its URL."""
    rows = repository.deliveries(session, party_id=_visible_party(principal), status=status)
    urls: dict[str, str] = {}
    for row in rows:
        if row.endpoint_id not in urls:
            target = repository.endpoint(session, row.endpoint_id)
            urls[row.endpoint_id] = target.url if target else ""
    return [(row, urls[row.endpoint_id]) for row in rows]


def dead_letters(session: Session, principal: Principal) -> list[tuple[WebhookDelivery, str]]:
    return deliveries(session, principal, status="dead")


def redeliver(session: Session, principal: Principal, delivery_id: str,
              now: datetime) -> tuple[WebhookDelivery, str]:
    """A dead letter goes back in the queue, due now, with a fresh count of attempts and the
    same delivery id. An endpoint removed since: the platform's first live one for the event."""
    party = _visible_party(principal)
    row = repository.delivery(session, delivery_id, for_update=True)
    if row is None or (party is not None and row.party_id != party):
        raise NotFound(f"webhook delivery {delivery_id} not found", field="delivery_id")
    if row.status != "dead":
        raise Conflict(f"delivery {delivery_id} is {row.status}; only a dead letter is redelivered",
                       field="delivery_id")
    target = repository.endpoint(session, row.endpoint_id)
    if target is None or target.removed_at is not None:
        live = [e for e in repository.live_endpoints(session, row.party_id) if row.event in e.events]
        if not live:
            raise Conflict("the platform has no webhook endpoint for this event",
                           field="delivery_id")
        target = live[0]
        row.endpoint_id = target.id
    row.status, row.attempts, row.next_attempt_at = "pending", 0, now
    row.last_error = row.last_status_code = None
    session.flush()
    record(session, principal, "webhook.redeliver", "webhook_delivery", row.id, None,
           {"endpoint_id": row.endpoint_id})
    return row, target.url
