"""Webhook endpoints of the calling platform, its deliveries and dead letters."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request

from clearinghouse.api.deps import DB, Caller, settings_of
from clearinghouse.api.responses import AUTHED, WRITE
from clearinghouse.core.clock import utcnow
from clearinghouse.platforms.webhooks import service
from clearinghouse.platforms.webhooks.schemas import (
    DeliveryOut,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    delivery_out,
    webhook_out,
)
from clearinghouse.platforms.webhooks.secret_box import SecretBox

router = APIRouter(prefix="/api/v1/platforms/me/webhooks", tags=["webhooks"])
ID_PATTERN = r"^[A-Za-z0-9_]+$"


@router.post("", response_model=WebhookCreated, status_code=201, responses=WRITE)
def register(db: DB, caller: Caller, body: WebhookCreate, request: Request) -> WebhookCreated:
    """A platform: register an https URL for the events it wants. The answer carries the signing
    secret this once; every POST to the URL is signed with it (docs/notices.md says how to
    verify). Plain http is accepted only to a loopback address, and only where the server
    allows it (CLEARINGHOUSE_WEBHOOK_ALLOW_HTTP_LOOPBACK, for tests and development)."""
    settings = settings_of(request)
    row, secret = service.register_endpoint(
        db, caller, body, box=SecretBox.open(settings.keys_dir),
        allow_http_loopback=settings.webhook_allow_http_loopback, now=utcnow())
    return WebhookCreated(**webhook_out(row).model_dump(), secret=secret)


@router.get("", response_model=list[WebhookOut], responses=AUTHED)
def list_webhooks(db: DB, caller: Caller) -> list[WebhookOut]:
    """The calling platform's endpoints (never their secrets)."""
    return [webhook_out(row) for row in service.list_endpoints(db, caller)]


@router.get("/deliveries", response_model=list[DeliveryOut], responses=AUTHED)
def list_deliveries(db: DB, caller: Caller) -> list[DeliveryOut]:
    """The latest 500 deliveries to the calling platform, newest first (the operator: every
    platform's), with how each went."""
    return [delivery_out(row, url) for row, url in service.deliveries(db, caller)]


@router.get("/dead-letters", response_model=list[DeliveryOut], responses=AUTHED)
def list_dead_letters(db: DB, caller: Caller) -> list[DeliveryOut]:
    """Deliveries given up on: every attempt failed, the receiver refused one (a 4xx other than
    408 or 429), or the endpoint was removed. Kept; the operator sees every platform's."""
    return [delivery_out(row, url) for row, url in service.dead_letters(db, caller)]


@router.post("/deliveries/{delivery_id}/redeliver", response_model=DeliveryOut, responses=WRITE)
def redeliver(db: DB, caller: Caller, delivery_id: str = Path(max_length=40, pattern=ID_PATTERN)) -> DeliveryOut:
    """Put a dead letter back in the queue, due now, with the same delivery id."""
    row, url = service.redeliver(db, caller, delivery_id, utcnow())
    return delivery_out(row, url)


@router.delete("/{endpoint_id}", response_model=WebhookOut, responses=AUTHED)
def remove(db: DB, caller: Caller, endpoint_id: str = Path(max_length=40, pattern=ID_PATTERN)) -> WebhookOut:
    """Stop sending to this endpoint; deliveries still pending for it become dead letters."""
    return webhook_out(service.remove_endpoint(db, caller, endpoint_id, utcnow()))
