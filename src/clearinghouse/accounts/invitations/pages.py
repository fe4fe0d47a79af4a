"""An owner signs itself up and waits for the operator's approval, or accepts the operator's
invitation by setting a password (accounts/owners.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from clearinghouse.accounts import domain, owners
from clearinghouse.accounts import service as accounts
from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, ValidationFailed
from clearinghouse.web.pages import Page, PageContext, page_router
from clearinghouse.web.visitor import set_session_cookie

router = page_router()
Text = Annotated[str, Form(max_length=400)]
Secret = Annotated[str, Form(max_length=domain.PASSWORD_MAX_CHARS + 1)]


def _signed_in(page: PageContext, new: accounts.NewSession, target: str) -> Response:
    response = page.redirect(target)
    set_session_cookie(response, new, secure=page.is_https)
    return response


@router.get("/sign-up/owner")
def owner_sign_up_form(page: Page) -> Response:
    return page.render("invitations/sign_up_owner.html", error=None, form={"name": "", "email": ""})


@router.post("/sign-up/owner")
def owner_sign_up(page: Page, request: Request, name: Text = "", email: Text = "",
                  password: Secret = "") -> Response:
    try:
        with unit_of_work(write_sessions(request)) as db:
            new = owners.sign_up_owner(db, name, email, password)
    except (ValidationFailed, Conflict) as exc:
        return page.render("invitations/sign_up_owner.html", status_code=exc.status, error=exc,
                           form={"name": name[:200], "email": email[:254]})
    return _signed_in(page, new, "/account")


@router.get("/invitations/{token}")
def invitation_form(page: Page, db: DB, token: str) -> Response:
    invitation, party = owners.invitation_for(db, token)
    return page.render("invitations/invitation.html", invitation=invitation, party=party, token=token,
                       error=None)


@router.post("/invitations/{token}")
def accept_invitation(page: Page, request: Request, token: str, name: Text = "",
                      password: Secret = "") -> Response:
    try:
        with unit_of_work(write_sessions(request)) as db:
            new = owners.accept_invitation(db, token, name, password)
    except ValidationFailed as exc:
        with unit_of_work(request.app.state.read_sessions) as db:
            invitation, party = owners.invitation_for(db, token)
            return page.render("invitations/invitation.html", status_code=exc.status,
                               invitation=invitation, party=party, token=token, error=exc)
    return _signed_in(page, new, "/owner/works")
