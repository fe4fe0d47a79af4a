"""The console's parties: search them (paged), and a party's roles, accounts and API keys, with
revoking a key (registry/parties_service.py, accounts/service.py). No secret is ever shown."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from clearinghouse.access.domain import Role
from clearinghouse.accounts import owners
from clearinghouse.accounts import service as accounts
from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.console.guard import PAGE_SIZE, OperatorPerson
from clearinghouse.core.db import unit_of_work
from clearinghouse.registry import parties_service
from clearinghouse.web.pages import Page, page_router

router = page_router()
ROLES = [r.value for r in Role]


@router.get("/operator/parties")
def parties(page: Page, db: DB, person: OperatorPerson,
            q: Annotated[str, Query(max_length=200)] = "",
            role: Annotated[str, Query(max_length=20)] = "",
            offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    chosen = Role(role) if role in ROLES else None
    rows, total = parties_service.search_parties(db, person.principal, q.strip() or None, chosen,
                                                 offset, PAGE_SIZE)
    return page.render("console/parties.html", parties=rows, total=total, offset=offset,
                       shown=PAGE_SIZE, q=q, role=chosen.value if chosen else "", roles=ROLES)


@router.get("/operator/parties/{party_id}")
def party(page: Page, db: DB, person: OperatorPerson, party_id: str) -> Response:
    parties_service.require_operator(person.principal)
    found = parties_service.get_party(db, party_id)
    application = owners.application_of(db, party_id)
    return page.render("console/party.html", party=found,
                       accounts=accounts.accounts_of_party(db, person.principal, party_id),
                       keys=parties_service.list_keys(db, person.principal, party_id),
                       application=application)


@router.post("/operator/keys/{key_id}/revoke")
def revoke_key(page: Page, request: Request, person: OperatorPerson, key_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        key = parties_service.revoke_key(db, person.principal, key_id)
        party_id = key.party_id
    return page.redirect(f"/operator/parties/{party_id}?revoked=1")
