"""The operator's payouts (/operator/payouts): posted payouts due and sent, and marking one sent
with the transfer's reference and day — once; the rule is `payout_records.mark_sent`'s (a second
time is the API's 409, shown as an error page)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Form, Query, Request
from fastapi.responses import Response

from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.console.guard import OperatorPerson
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.money import Money
from clearinghouse.registry import repository as registry
from clearinghouse.royalties import payout_records
from clearinghouse.web.pages import Page, page_router

router = page_router()
LOCALES = {"zh": "zh_CN", "en": "en"}
SHOWN = 50
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]


@router.get("/operator/payouts")
def payouts(page: Page, db: DB, person: OperatorPerson,
            status: Literal["due", "sent", ""] = "due", offset: Offset = 0,
            done: Literal["sent", ""] = "") -> Response:
    """Posted payouts, newest period first: those due (with the form to mark one sent) or sent."""
    rows, total = payout_records.visible(db, person.principal, status=status or None,
                                         offset=offset, limit=SHOWN)
    names = {}
    for party_id in {r.party_id for r in rows}:
        party = registry.get_party(db, party_id)
        names[party_id] = party.name if party else party_id
    view = [{"id": r.id, "period": r.period, "party": names[r.party_id],
             "amount": Money(r.currency, r.amount_minor).format(LOCALES[page.lang]),
             "sent": r.sent_at is not None, "sent_on": r.sent_on.isoformat() if r.sent_on else "",
             "reference": r.sent_reference or ""} for r in rows]
    return page.render("royalties/payouts.html", rows=view, status=status, total=total,
                       offset=offset, shown=SHOWN, done=done, today=utcnow().date().isoformat())


@router.post("/operator/payouts/{payout_id}/sent")
def mark_sent(page: Page, request: Request, person: OperatorPerson, payout_id: str,
              reference: Annotated[str, Form(max_length=200)],
              sent_on: Annotated[date, Form()]) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        payout_records.mark_sent(db, person.principal, payout_id, reference, sent_on)
    return page.redirect("/operator/payouts?status=sent&done=sent")
