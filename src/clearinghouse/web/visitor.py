"""Who is looking at a page: the signed-in person from the session cookie, and the form token.

A signed-in person's form token is their session's; a visitor who is not signed in gets a random
one in a cookie of its own (double submit), so sign-in and sign-up forms are protected too.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool

from clearinghouse.accounts import domain as account_rules
from clearinghouse.accounts import service as accounts
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Forbidden

SESSION_COOKIE = "ch_session"
ANON_CSRF_COOKIE = "ch_form"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def signed_in_of(request: Request) -> accounts.SignedIn | None:
    """Looked up once per request, in a short read transaction of its own."""
    if not hasattr(request.state, "signed_in"):
        token = request.cookies.get(SESSION_COOKIE)
        found = None
        if token:
            with unit_of_work(request.app.state.read_sessions) as session:
                found = accounts.resume(session, token)
        request.state.signed_in = found
    signed_in: accounts.SignedIn | None = request.state.signed_in
    return signed_in


def csrf_token_of(request: Request) -> str:
    """The token this visitor's forms carry (a new anonymous one is set as a cookie on render)."""
    signed_in = signed_in_of(request)
    if signed_in is not None:
        return signed_in.csrf_token
    if not hasattr(request.state, "anon_csrf"):
        existing = request.cookies.get(ANON_CSRF_COOKIE, "")
        request.state.anon_csrf = existing if 20 <= len(existing) <= 100 else secrets.token_urlsafe(32)
    anon: str = request.state.anon_csrf
    return anon


async def check_csrf(request: Request) -> None:
    """Every unsafe method of a page needs the visitor's form token, in the form or a header."""
    if request.method not in UNSAFE_METHODS:
        return
    await run_in_threadpool(signed_in_of, request)
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    expected = csrf_token_of(request)
    if request.state.signed_in is None and request.cookies.get(ANON_CSRF_COOKIE) != expected:
        expected = ""  # an anonymous form without its cookie: nothing to compare with
    if not given or not expected or not hmac.compare_digest(given, expected):
        raise Forbidden("this form has expired or did not come from this site; reload the page "
                        "and send it again", field=CSRF_FIELD)


def set_session_cookie(response: Response, new: accounts.NewSession, *, secure: bool) -> None:
    """HttpOnly (no script reads it), SameSite=Lax (no cross-site form posts carry it), Secure
    when the page came over https."""
    response.set_cookie(SESSION_COOKIE, new.token,
                        max_age=int(account_rules.SESSION_LIFETIME.total_seconds()),
                        httponly=True, samesite="lax", secure=secure, path="/")


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    """The same attributes as when it was set, so that every browser drops it."""
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure, path="/")
