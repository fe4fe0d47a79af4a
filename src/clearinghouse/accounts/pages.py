"""Sign up, sign in and out (here or everywhere): the pages of accounts."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Request
from fastapi.responses import Response

from clearinghouse.accounts import domain, owners
from clearinghouse.accounts import service as accounts
from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, TooManyAttempts, Unauthenticated, ValidationFailed
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router, safe_next
from clearinghouse.web.visitor import clear_session_cookie, set_session_cookie

router = page_router()
Text = Annotated[str, Form(max_length=400)]
Secret = Annotated[str, Form(max_length=domain.PASSWORD_MAX_CHARS + 1)]


def _signed_in_response(page: PageContext, new: accounts.NewSession, target: str) -> Response:
    response = page.redirect(target)
    set_session_cookie(response, new, secure=page.is_https)
    return response


@router.get("/sign-in")
def sign_in_form(page: Page, next: str | None = None) -> Response:  # noqa: A002
    return page.render("accounts/sign_in.html", next=safe_next(next, "/search"), error=None, email="")


@router.post("/sign-in")
def sign_in(page: Page, request: Request, email: Text = "", password: Secret = "",
            next: Text = "/search") -> Response:  # noqa: A002
    target = safe_next(next, "/search")
    client = request.app.state.auth.client_address(request)
    try:
        with unit_of_work(write_sessions(request)) as db:  # a failure is written and committed too
            new = accounts.sign_in(db, client, email, password)
    except TooManyAttempts as exc:
        response = page.render("accounts/sign_in.html", status_code=429, next=target, error=exc,
                               email=email[:254])
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if new is None:
        wrong = Unauthenticated(accounts.WRONG, field="password")
        return page.render("accounts/sign_in.html", status_code=401, next=target, error=wrong,
                           email=email[:254])
    return _signed_in_response(page, new, target)


@router.get("/sign-up")
def sign_up_form(page: Page, next: str | None = None) -> Response:  # noqa: A002
    return page.render("accounts/sign_up.html", next=safe_next(next, "/search"), error=None,
                       form={"kind": "creator", "name": "", "email": ""})


@router.post("/sign-up")
def sign_up(page: Page, request: Request, kind: Text = "creator", name: Text = "", email: Text = "",
            password: Secret = "", next: Text = "/search") -> Response:  # noqa: A002
    target = safe_next(next, "/search")
    try:
        with unit_of_work(write_sessions(request)) as db:
            new = accounts.sign_up(db, kind, name, email, password)
    except (ValidationFailed, Conflict) as exc:
        return page.render("accounts/sign_up.html", status_code=exc.status, next=target, error=exc,
                           form={"kind": kind, "name": name[:200], "email": email[:254]})
    return _signed_in_response(page, new, target)


@router.get("/account")
def account(page: Page, db: DB, person: SignedInPerson, ended: int | None = None) -> Response:
    application = owners.application_of(db, person.principal.party_id)
    return page.render("accounts/account.html", person=person, ended=ended,
                       application=application.status if application else None)


@router.post("/sign-out")
def sign_out(page: Page, person: SignedInPerson, request: Request) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        accounts.sign_out(db, person.token_hash)
    response = page.redirect("/")
    clear_session_cookie(response, secure=page.is_https)
    return response


@router.post("/sign-out-everywhere")
def sign_out_everywhere(page: Page, person: SignedInPerson, request: Request) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        ended = accounts.sign_out_everywhere(db, person)
    response = page.redirect(f"/sign-in?ended={quote(str(ended))}")
    clear_session_cookie(response, secure=page.is_https)
    return response
