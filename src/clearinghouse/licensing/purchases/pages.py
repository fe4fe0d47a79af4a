"""Buy and pay: the checkout form's POST (someone new signs up on the same form), and an agreed
referral's quote. Then to the licence's page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Request
from fastapi.responses import Response

from clearinghouse.access.domain import Role
from clearinghouse.accounts import domain as account_rules
from clearinghouse.accounts import service as accounts
from clearinghouse.api.deps import settings_of, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, Forbidden, ValidationFailed
from clearinghouse.licensing.purchases import checkout
from clearinghouse.licensing.quotes import referrals, use_form
from clearinghouse.web.pages import LicenseePerson, Page, page_router
from clearinghouse.web.visitor import set_session_cookie

router = page_router()
Field = Annotated[str, Form(max_length=400)]


@router.post("/checkout")
def buy_and_pay(page: Page, request: Request, work_id: Field = "", channel: Field = "",
                seconds: Field = "", edited: Field = "0", territory: Field = "", start: Field = "",
                term_days: Field = "", expected_total_minor: Field = "", purchase_key: Field = "",
                accept_partial: Field = "", kind: Field = "creator", email: Field = "",
                password: Annotated[str, Form(max_length=account_rules.PASSWORD_MAX_CHARS + 1)] = "",
                ) -> Response:
    form = use_form.read({"work_id": work_id, "channel": channel, "seconds": seconds,
                          "edited": edited, "territory": territory, "start": start,
                          "term_days": term_days})
    if not expected_total_minor.isdigit() or not purchase_key.strip():
        raise ValidationFailed("reload the checkout page and buy again", field="expected_total_minor")
    settings = settings_of(request)
    new_session = None
    with unit_of_work(write_sessions(request)) as db:  # the account and the purchase, or neither
        if page.signed_in is None:
            try:
                new_session = accounts.sign_up(db, kind, "", email, password)
            except (ValidationFailed, Conflict) as exc:  # checked before anything is written
                problem = "taken" if isinstance(exc, Conflict) else exc.field or "form"
                return page.redirect(f"/checkout?{form.query()}&problem={quote(problem)}")
            principal = new_session.signed_in.principal
        elif page.signed_in.principal.has(Role.LICENSEE):
            principal = page.signed_in.principal
        else:
            raise Forbidden("only a licensee buys licences; sign in with a licensee account")
        bought = checkout.buy(db, principal, form.quote_create(), int(expected_total_minor),
                              accept_partial == "1", purchase_key.strip(), settings)
    suffix = "?settled=demo" if bought.settled_by_demo else ""
    response = page.redirect(f"/licences/{bought.license.id}{suffix}")
    if new_session is not None:
        set_session_cookie(response, new_session, secure=page.is_https)
    return response


@router.post("/referrals/{referral_id}/buy")
def buy_agreed_referral(page: Page, request: Request, person: LicenseePerson, referral_id: str,
                        expected_total_minor: Field = "") -> Response:
    """The price a holder agreed to in a referral, bought as its quote says; the referral's id
    is the purchase key, so sending the form twice buys once."""
    if not expected_total_minor.isdigit():
        raise ValidationFailed("reload the referral and buy again", field="expected_total_minor")
    with unit_of_work(write_sessions(request)) as db:
        ref = referrals.get_referral(db, person.principal, referral_id)
        if ref.licensee_id != person.principal.party_id or ref.quote_id is None:
            raise Forbidden("only the licensee buys an agreed referral", field="referral_id")
        bought = checkout.buy_quote(db, person.principal, ref.quote_id, int(expected_total_minor),
                                    f"referral:{ref.id}", settings_of(request))
    suffix = "?settled=demo" if bought.settled_by_demo else ""
    return page.redirect(f"/licences/{bought.license.id}{suffix}")
