"""API keys on the account page: every signed-in person creates keys for its own party (the
secret is shown once, at creation), lists and revokes them (registry/parties_service.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from clearinghouse.api.deps import write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.registry import parties_service
from clearinghouse.registry.schemas import KeyCreate
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()


def _keys_page(page: PageContext, request: Request, person: SignedInPerson, *,
               issued: str | None = None, error: Exception | None = None, status: int = 200) -> Response:
    with unit_of_work(request.app.state.read_sessions) as db:
        keys = parties_service.list_keys(db, person.principal, person.principal.party_id)
        return page.render("keys/keys.html", status_code=status, person=person, keys=keys,
                           issued=issued, error=error)


@router.get("/account/keys")
def api_keys(page: Page, request: Request, person: SignedInPerson) -> Response:
    return _keys_page(page, request, person)


@router.post("/account/keys")
def create_api_key(page: Page, request: Request, person: SignedInPerson,
                   name: Annotated[str, Form(max_length=400)] = "") -> Response:
    try:
        data = KeyCreate(party_id=person.principal.party_id, name=name)
    except ValidationError:
        error = ValidationFailed("give the key a name of one line (at most 200 characters)", field="name")
        return _keys_page(page, request, person, error=error, status=error.status)
    with unit_of_work(write_sessions(request)) as db:
        _, token = parties_service.create_key(db, person.principal, data)
    # Rendered, not redirected: the secret is in this answer only (never stored, never shown again).
    return _keys_page(page, request, person, issued=token)


@router.post("/account/keys/{key_id}/revoke")
def revoke_api_key(page: Page, request: Request, person: SignedInPerson, key_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        parties_service.revoke_key(db, person.principal, key_id)
    return page.redirect("/account/keys")
