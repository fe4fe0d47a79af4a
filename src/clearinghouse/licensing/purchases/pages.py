"""Buy and pay: the checkout form's POST. Then to the licence's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from clearinghouse.api.deps import settings_of, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.licensing.purchases import checkout
from clearinghouse.licensing.quotes import use_form
from clearinghouse.web.pages import LicenseePerson, Page, page_router

router = page_router()
Field = Annotated[str, Form(max_length=200)]


@router.post("/checkout")
def buy_and_pay(page: Page, person: LicenseePerson, request: Request, work_id: Field = "",
                channel: Field = "", seconds: Field = "", edited: Field = "0", territory: Field = "",
                start: Field = "", term_days: Field = "", expected_total_minor: Field = "",
                purchase_key: Field = "", accept_partial: Field = "") -> Response:
    form = use_form.read({"work_id": work_id, "channel": channel, "seconds": seconds,
                          "edited": edited, "territory": territory, "start": start,
                          "term_days": term_days})
    if not expected_total_minor.isdigit() or not purchase_key.strip():
        raise ValidationFailed("reload the checkout page and buy again", field="expected_total_minor")
    settings = settings_of(request)
    with unit_of_work(write_sessions(request)) as db:
        bought = checkout.buy(db, person.principal, form.quote_create(), int(expected_total_minor),
                              accept_partial == "1", purchase_key.strip(), settings)
    suffix = "?settled=demo" if bought.settled_by_demo else ""
    return page.redirect(f"/licences/{bought.license.id}{suffix}")
