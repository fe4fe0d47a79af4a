"""The console's start page, owner approvals and owner invitations (accounts/owners.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response

from clearinghouse.accounts import owners
from clearinghouse.api.deps import write_sessions
from clearinghouse.console.guard import PAGE_SIZE, OperatorPerson
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, ValidationFailed
from clearinghouse.web.pages import Page, PageContext, page_router

router = page_router()
Text = Annotated[str, Form(max_length=400)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/operator")
def console(page: Page, person: OperatorPerson) -> Response:
    return page.render("console/start.html")


def _owners_page(page: PageContext, request: Request, person: OperatorPerson, offset: int, *,
                 invited: tuple[str, str] | None = None, error: Exception | None = None,
                 form: dict[str, str] | None = None, status: int = 200,
                 decided: str | None = None) -> Response:
    with unit_of_work(request.app.state.read_sessions) as db:
        pending, total = owners.pending_applications(db, person.principal, offset, PAGE_SIZE)
        invitations = owners.open_invitations(db, person.principal)
        return page.render("console/owners.html", status_code=status, pending=pending, total=total,
                           offset=offset, shown=PAGE_SIZE, invitations=invitations, invited=invited,
                           error=error, form=form or {"name": "", "email": ""},
                           decided=decided if decided in ("approved", "refused") else None)


@router.get("/operator/owners")
def owner_approvals(page: Page, request: Request, person: OperatorPerson, offset: Offset = 0,
                    decided: str | None = None) -> Response:
    return _owners_page(page, request, person, offset, decided=decided)


@router.post("/operator/owners/{application_id}/approve")
def approve_owner(page: Page, request: Request, person: OperatorPerson, application_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        owners.decide_application(db, person.principal, application_id, approve=True)
    return page.redirect("/operator/owners?decided=approved")


@router.post("/operator/owners/{application_id}/refuse")
def refuse_owner(page: Page, request: Request, person: OperatorPerson, application_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        owners.decide_application(db, person.principal, application_id, approve=False)
    return page.redirect("/operator/owners?decided=refused")


@router.post("/operator/owners/invite")
def invite_owner(page: Page, request: Request, person: OperatorPerson, name: Text = "",
                 email: Text = "") -> Response:
    form = {"name": name[:200], "email": email[:254]}
    try:
        with unit_of_work(write_sessions(request)) as db:
            invitation, token = owners.invite_owner(db, person.principal, name, email)
            email_sent_to = invitation.email
    except (ValidationFailed, Conflict) as exc:
        return _owners_page(page, request, person, 0, error=exc, form=form, status=exc.status)
    # The link is shown this once (only its hash is kept): the operator sends it to the owner.
    link = f"{str(request.base_url).rstrip('/')}/invitations/{token}"
    return _owners_page(page, request, person, 0, invited=(email_sent_to, link))
