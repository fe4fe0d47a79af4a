"""The licensee's referrals: a right no routine offer clears is asked of its holder from the
checkout page; here the licensee follows each one, writes and reads its messages, accepts the
holder's counter-offer or withdraws. Every rule is referrals.py's (the owner's inbox calls the
same service); buying an agreed referral is the purchases' page (licensing/purchases/pages.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from clearinghouse.api.deps import DB, settings_of, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.licensing.catalogue.domain import Price
from clearinghouse.licensing.quotes import referrals, use_form
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.pages import (
    REFERRAL_KIND_LABELS,
    REFERRAL_STATUS_LABELS,
    RUNNING_TERMS,
    money,
)
from clearinghouse.licensing.quotes.schemas import MessageCreate, ReferralCreate, ReferralStep
from clearinghouse.licensing.tables import Referral
from clearinghouse.registry import repository as registry_repository
from clearinghouse.registry.pages import RIGHT_LABELS
from clearinghouse.web.pages import LicenseePerson, Page, PageContext, SignedInPerson, page_router

router = page_router()
Field = Annotated[str, Form(max_length=400)]
Body = Annotated[str, Form(max_length=4000)]
SHOWN = 100


def _price_text(page: PageContext, price: dict[str, Any] | None) -> str | None:
    """A holder's fixed fee as money; running terms (per play, per copy, a share) are named."""
    if not price:
        return None
    terms = Price.from_json(price)
    if terms.fixed_fee_minor is not None:
        return money(page, terms.currency, terms.fixed_fee_minor)
    return page.gettext(RUNNING_TERMS)


def _view(db: Session, page: PageContext, ref: Referral, with_messages: bool = False) -> dict[str, Any]:
    work = registry_repository.get_work(db, ref.work_id)
    holder = registry_repository.get_party(db, ref.holder_id)
    names: dict[str, str] = {}
    view: dict[str, Any] = {
        "id": ref.id, "status": ref.status,
        "status_label": page.gettext(REFERRAL_STATUS_LABELS.get(ref.status, ref.status)),
        "work_id": ref.work_id, "work": work.title if work else ref.work_id,
        "right": page.gettext(RIGHT_LABELS.get(ref.right, ref.right)),
        "holder": holder.name if holder else ref.holder_id,
        "channels": ", ".join(ref.use.get("channels") or ()),
        "seconds": (ref.use.get("portion") or {}).get("value"),
        "territories": ", ".join(ref.use.get("territories") or ()),
        "price": _price_text(page, ref.price), "version": ref.version,
        "mine": page.signed_in is not None and page.signed_in.principal.party_id == ref.licensee_id,
        "total": None, "quote_id": ref.quote_id,
    }
    if ref.quote_id and page.signed_in is not None and view["mine"]:
        quote = quotes_service.get_quote(db, page.signed_in.principal, ref.quote_id)
        view["total"] = money(page, quote.currency, quote.totals.total_minor)
        view["total_minor"] = quote.totals.total_minor
    if with_messages:
        messages = []
        for msg in referrals.messages_of(db, ref.id):
            if msg.author_id not in names:
                author = registry_repository.get_party(db, msg.author_id)
                names[msg.author_id] = author.name if author else msg.author_id
            messages.append({
                "author": names[msg.author_id], "at": msg.at.strftime("%Y-%m-%d %H:%M"),
                "kind": page.gettext(REFERRAL_KIND_LABELS.get(msg.kind, msg.kind)), "body": msg.body,
                "price": _price_text(page, msg.price), "mine": msg.author_id == page.party_id()})
        view["messages"] = messages
    return view


@router.get("/referrals")
def my_referrals(page: Page, db: DB, person: LicenseePerson) -> Response:
    """The referrals this licensee sent, newest first, with where each stands."""
    rows, _ = referrals.list_referrals(db, person.principal, status=None, offset=0, limit=SHOWN)
    mine = [r for r in rows if r.licensee_id == person.principal.party_id]
    return page.render("quotes/referrals.html", referrals=[_view(db, page, r) for r in mine])


@router.get("/referrals/{referral_id}")
def referral_page(page: Page, db: DB, person: SignedInPerson, referral_id: str) -> Response:
    """One referral's thread; another party's referral is refused as the API refuses it."""
    ref = referrals.get_referral(db, person.principal, referral_id)
    return page.render("quotes/referral.html", ref=_view(db, page, ref, with_messages=True))


@router.post("/referrals")
def ask_the_holder(page: Page, request: Request, person: LicenseePerson, right: Field = "",
                   holder_id: Field = "", message: Body = "", work_id: Field = "",
                   channel: Field = "", seconds: Field = "", edited: Field = "0",
                   territory: Field = "", start: Field = "", term_days: Field = "") -> Response:
    """Send one part the checkout could not clear to its holder, with the use as stated there."""
    form = use_form.read({"work_id": work_id, "channel": channel, "seconds": seconds,
                          "edited": edited, "territory": territory, "start": start,
                          "term_days": term_days})
    use = form.quote_create().model_dump(exclude={"work_ids", "licensee_id"})
    try:
        data = ReferralCreate.model_validate(use | {
            "work_id": form.work_id, "right": right.strip(), "holder_id": holder_id.strip(),
            "message": message.strip() or None})
    except ValueError as exc:
        raise ValidationFailed(f"choose the right and the holder to ask: {exc}", field="right") from None
    with unit_of_work(write_sessions(request)) as db:
        ref = referrals.refer(db, person.principal, data)
        referral_id = ref.id
    return page.redirect(f"/referrals/{referral_id}")


@router.post("/referrals/{referral_id}/messages")
def write_message(page: Page, request: Request, person: SignedInPerson, referral_id: str,
                  body: Body = "") -> Response:
    try:
        text = MessageCreate.model_validate({"body": body}).body
    except ValueError:
        raise ValidationFailed("write a message first (up to 4000 characters)", field="body") from None
    with unit_of_work(write_sessions(request)) as db:
        referrals.post_message(db, person.principal, referral_id, text)
    return page.redirect(f"/referrals/{referral_id}#messages")


def _step(version: str, message: str) -> ReferralStep:
    if not version.strip().isdigit():
        raise ValidationFailed("reload the page and try again", field="version")
    try:
        return ReferralStep.model_validate({"version": int(version),
                                            "message": message.strip() or None})
    except ValueError:
        raise ValidationFailed("the message is not valid text", field="message") from None


@router.post("/referrals/{referral_id}/accept")
def accept_counter(page: Page, request: Request, person: LicenseePerson, referral_id: str,
                   version: Field = "", message: Body = "") -> Response:
    """Accept the holder's counter-offer as it stands; the agreed price becomes a quote."""
    step = _step(version, message)
    with unit_of_work(write_sessions(request)) as db:
        referrals.accept(db, person.principal, referral_id, step, None,
                         settings_of(request).quote_valid_seconds)
    return page.redirect(f"/referrals/{referral_id}")


@router.post("/referrals/{referral_id}/withdraw")
def withdraw(page: Page, request: Request, person: LicenseePerson, referral_id: str,
             version: Field = "", message: Body = "") -> Response:
    step = _step(version, message)
    with unit_of_work(write_sessions(request)) as db:
        referrals.withdraw(db, person.principal, referral_id, step, None)
    return page.redirect(f"/referrals/{referral_id}")



