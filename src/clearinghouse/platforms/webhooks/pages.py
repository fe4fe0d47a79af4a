"""The platform's webhook settings (/platform/webhooks): register an endpoint (its secret shown
once), remove one, see recent deliveries and dead letters and redeliver them. The rules are
service.py's."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from clearinghouse.access.domain import Role
from clearinghouse.accounts.service import SignedIn
from clearinghouse.api.deps import settings_of, write_sessions
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError, Forbidden, ValidationFailed
from clearinghouse.platforms.webhooks import service
from clearinghouse.platforms.webhooks.schemas import WebhookCreate
from clearinghouse.platforms.webhooks.secret_box import SecretBox
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()
SHOWN = 50


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


STATES = {"pending": N_("waiting to be sent"), "delivered": N_("delivered"),
          "dead": N_("dead letter")}
PATH = "/platform/webhooks"


async def _platform(person: SignedInPerson) -> SignedIn:
    if not person.principal.has(Role.PLATFORM):
        raise Forbidden("only a platform registers webhook endpoints")
    return person


PlatformPerson = Annotated[SignedIn, Depends(_platform)]


def _settings_page(page: PageContext, request: Request, person: SignedIn, *,
                   secret: str | None = None, problem: str | None = None, url: str = "",
                   status: int = 200) -> Response:
    with unit_of_work(request.app.state.read_sessions) as db:
        endpoints = service.list_endpoints(db, person.principal)
        deliveries = service.deliveries(db, person.principal)[:SHOWN]
        dead = service.dead_letters(db, person.principal)[:SHOWN]
    return page.render("webhooks/settings.html", status_code=status, endpoints=endpoints,
                       deliveries=deliveries, dead=dead, secret=secret, problem=problem,
                       url=url, states=STATES)


@router.get(PATH)
def webhook_settings(page: Page, request: Request, person: PlatformPerson) -> Response:
    return _settings_page(page, request, person)


@router.post(PATH)
def register_webhook(page: Page, request: Request, person: PlatformPerson,
                     url: Annotated[str, Form(max_length=4000)] = "") -> Response:
    try:
        data = WebhookCreate(url=url)
    except ValidationError:
        error = ValidationFailed("give an https address of at most 2000 characters", field="url")
        return _settings_page(page, request, person, problem=error.message, url=url[:2000],
                              status=error.status)
    settings = settings_of(request)
    try:
        with unit_of_work(write_sessions(request)) as db:
            _, secret = service.register_endpoint(
                db, person.principal, data, box=SecretBox.open(settings.keys_dir),
                allow_http_loopback=settings.webhook_allow_http_loopback, now=utcnow())
    except DomainError as exc:
        return _settings_page(page, request, person, problem=exc.message, url=url,
                              status=exc.status)
    # Rendered, not redirected: the secret is in this answer only.
    return _settings_page(page, request, person, secret=secret)


@router.post(PATH + "/{endpoint_id}/remove")
def remove_webhook(page: Page, request: Request, person: PlatformPerson,
                   endpoint_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        service.remove_endpoint(db, person.principal, endpoint_id, utcnow())
    return page.redirect(PATH)


@router.post(PATH + "/deliveries/{delivery_id}/redeliver")
def redeliver_webhook(page: Page, request: Request, person: PlatformPerson,
                      delivery_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        service.redeliver(db, person.principal, delivery_id, utcnow())
    return page.redirect(PATH)
