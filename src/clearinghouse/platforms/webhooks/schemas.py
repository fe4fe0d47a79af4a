"""Pydantic models of the webhook API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from clearinghouse.core.schemas import Strict
from clearinghouse.core.text import SingleLine
from clearinghouse.platforms.webhooks.domain import MAX_URL_CHARS
from clearinghouse.platforms.webhooks.tables import WebhookDelivery, WebhookEndpoint

WebhookEvent = Literal["notice.issued"]
EVENTS: tuple[WebhookEvent, ...] = ("notice.issued",)
EndpointUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8,
                                               max_length=MAX_URL_CHARS), SingleLine]


class WebhookCreate(Strict):
    url: EndpointUrl = Field(description="https URL that receives the POSTs")
    events: list[WebhookEvent] = Field(default_factory=lambda: list(EVENTS), min_length=1,
                                       max_length=10, description="Events to receive")


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret: shown this once, keep it")


class DeliveryOut(BaseModel):
    id: str = Field(description="Also sent as X-Clearinghouse-Delivery: the same on every retry")
    endpoint_id: str
    url: str
    party_id: str
    event: str
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]


def webhook_out(row: WebhookEndpoint) -> WebhookOut:
    return WebhookOut(id=row.id, url=row.url, events=list(row.events), created_at=row.created_at)


def delivery_out(row: WebhookDelivery, url: str) -> DeliveryOut:
    return DeliveryOut(id=row.id, endpoint_id=row.endpoint_id, url=url, party_id=row.party_id,
                       event=row.event, status=row.status,  # type: ignore[arg-type]
                       attempts=row.attempts, next_attempt_at=row.next_attempt_at,
                       last_status_code=row.last_status_code, last_error=row.last_error,
                       created_at=row.created_at, delivered_at=row.delivered_at,
                       payload=row.payload)
