"""All SQL of webhooks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearinghouse.core.db import is_postgres
from clearinghouse.platforms.webhooks.tables import WebhookDelivery, WebhookEndpoint

MAX_LISTED = 500


def add(session: Session, row: WebhookEndpoint | WebhookDelivery) -> None:
    session.add(row)
    session.flush()


def live_endpoints(session: Session, party_id: str) -> Sequence[WebhookEndpoint]:
    return session.scalars(select(WebhookEndpoint)
                           .where(WebhookEndpoint.party_id == party_id,
                                  WebhookEndpoint.removed_at.is_(None))
                           .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)).all()


def endpoint(session: Session, endpoint_id: str) -> WebhookEndpoint | None:
    return session.get(WebhookEndpoint, endpoint_id)


def delivery(session: Session, delivery_id: str, *, for_update: bool = False,
             skip_locked: bool = False) -> WebhookDelivery | None:
    query = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
    if for_update:
        # Another deliverer holding the row skips it rather than waits (PostgreSQL).
        query = query.with_for_update(skip_locked=skip_locked and is_postgres(session))
    return session.scalars(query).first()


def pending_of_endpoint(session: Session, endpoint_id: str) -> Sequence[WebhookDelivery]:
    return session.scalars(select(WebhookDelivery)
                           .where(WebhookDelivery.endpoint_id == endpoint_id,
                                  WebhookDelivery.status == "pending")).all()


def due_ids(session: Session, now: datetime, limit: int) -> list[str]:
    return list(session.scalars(select(WebhookDelivery.id)
                                .where(WebhookDelivery.status == "pending",
                                       WebhookDelivery.next_attempt_at <= now)
                                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                                .limit(limit)))


def deliveries(session: Session, *, party_id: str | None, status: str | None,
               limit: int = MAX_LISTED) -> Sequence[WebhookDelivery]:
    """Newest first; `party_id` None: every party's (the operator)."""
    query = select(WebhookDelivery)
    if party_id is not None:
        query = query.where(WebhookDelivery.party_id == party_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return session.scalars(query.order_by(WebhookDelivery.created_at.desc(),
                                          WebhookDelivery.id.desc()).limit(limit)).all()
