"""The owner's referral inbox: what licensees sent to the owner's side (referrals.py decides who
sees and answers a thread), each with its messages; reply, accept with a price, counter or
decline, as the referral service allows. The licensee's side of the same threads is elsewhere;
both only call referrals.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, DomainError, Forbidden, NotFound, StaleVersion, ValidationFailed
from clearinghouse.core.money import Money, MoneyError
from clearinghouse.licensing.catalogue.offer_schemas import PriceIn
from clearinghouse.licensing.quotes import referrals as referrals_service
from clearinghouse.licensing.quotes.schemas import ReferralStep
from clearinghouse.licensing.tables import Referral
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry_repository
from clearinghouse.registry.pages import RIGHT_LABELS
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()
LOCALES = {"zh": "zh_CN", "en": "en"}
SHOWN = 100
Text = Annotated[str, Form(max_length=4000)]
STEPS = ("accept", "counter", "decline")


def _names(db: Session, party_ids: set[str]) -> dict[str, str]:
    parties = {pid: registry_repository.get_party(db, pid) for pid in party_ids}
    return {pid: (p.name if p is not None else pid) for pid, p in parties.items()}


def _price_text(page: PageContext, price: dict[str, Any] | None) -> str | None:
    if not price or price.get("fixed_fee_minor") is None:
        return None
    return Money(price["currency"], int(price["fixed_fee_minor"])).format(LOCALES[page.lang])


def _view(page: PageContext, db: Session, ref: Referral, names: dict[str, str]) -> dict[str, Any]:
    work = registry_repository.get_work(db, ref.work_id)
    use = ref.use
    return {"ref": ref, "work": work.title if work else ref.work_id, "licensee": names.get(ref.licensee_id, ""),
            "right": page.gettext(RIGHT_LABELS.get(ref.right, ref.right)), "price": _price_text(page, ref.price),
            "channels": ", ".join(use.get("channels", [])), "territories": ", ".join(use.get("territories", [])),
            "seconds": (use.get("portion") or {}).get("value"), "modified": bool(use.get("modified")),
            "term_days": use.get("term_days"), "start": use.get("start")}


def _answered_by_owner(principal: Principal, ref: Referral) -> bool:
    """Sent to the owner's side, not sent by it (an owner that is also a licensee)."""
    return ref.licensee_id != principal.party_id and referrals_service.holder_side(principal, ref)


@router.get("/owner/referrals")
def inbox(page: Page, db: DB, person: SignedInPerson) -> Response:
    owner_service.require_owner(person.principal)
    rows, _ = referrals_service.list_referrals(db, person.principal, status=None, offset=0, limit=SHOWN)
    mine = [r for r in rows if _answered_by_owner(person.principal, r)]
    names = _names(db, {r.licensee_id for r in mine})
    return page.render("quotes/inbox.html", referrals=[_view(page, db, r, names) for r in mine])


def _thread(page: PageContext, db: Session, principal: Principal, referral_id: str,
            error: DomainError | None = None, typed: dict[str, str] | None = None, status: int = 200,
            done: str | None = None) -> Response:
    ref = referrals_service.get_referral(db, principal, referral_id)
    if not _answered_by_owner(principal, ref):
        raise Forbidden("only the holder's side answers a referral", field="referral_id")
    messages = referrals_service.messages_of(db, ref.id)
    names = _names(db, {ref.licensee_id} | {m.author_id for m in messages})
    return page.render("quotes/inbox_thread.html", status_code=status, error=error, done=done,
                       typed=typed or {"body": "", "currency": ref.currency, "fixed_fee": ""},
                       live=ref.status in referrals_service.LIVE, **_view(page, db, ref, names),
                       messages=[{"author": names.get(m.author_id, m.author_id), "kind": m.kind, "body": m.body,
                                  "price": _price_text(page, m.price), "at": m.at} for m in messages])


@router.get("/owner/referrals/{referral_id}")
def thread(page: Page, db: DB, person: SignedInPerson, referral_id: str, done: str | None = None) -> Response:
    owner_service.require_owner(person.principal)
    return _thread(page, db, person.principal, referral_id, done=done if done in (*STEPS, "message") else None)


def _price(currency: str, fixed_fee: str) -> PriceIn | None:
    """A fixed fee typed in major units, as the API's price (minor units); empty: no price."""
    if not fixed_fee.strip():
        return None
    try:
        money = Money.from_decimal(currency.strip().upper() or "CNY", Decimal(fixed_fee.strip().replace(",", "")))
    except (MoneyError, ArithmeticError) as exc:
        raise ValidationFailed(f"fixed_fee: {exc}", field="price.fixed_fee_minor") from exc
    return PriceIn(currency=money.currency, fixed_fee_minor=money.minor)


def _step(body: str, price: PriceIn | None) -> ReferralStep:
    try:
        return ReferralStep(message=body.strip() or None, price=price)
    except ValidationError as exc:
        raise ValidationFailed(str(exc.errors()[0]["msg"]), field="body") from exc


@router.post("/owner/referrals/{referral_id}/{step}")
def answer(page: Page, person: SignedInPerson, request: Request, referral_id: str, step: str,
           body: Text = "", currency: Text = "", fixed_fee: Text = "", version: Text = "") -> Response:
    owner_service.require_owner(person.principal)
    if step not in (*STEPS, "message"):
        raise NotFound(f"no such answer {step!r}")
    typed = {"body": body, "currency": currency, "fixed_fee": fixed_fee}
    seen = int(version) if version.isdigit() and len(version) < 10 else None
    try:
        with unit_of_work(write_sessions(request)) as db:
            ref = referrals_service.get_referral(db, person.principal, referral_id)
            if not _answered_by_owner(person.principal, ref):
                raise Forbidden("only the holder's side answers a referral", field="referral_id")
            if step == "message":
                if not body.strip():
                    raise ValidationFailed("write a message", field="body")
                referrals_service.post_message(db, person.principal, referral_id, body.strip())
            else:
                data = _step(body, _price(currency, fixed_fee))
                if step == "accept":
                    referrals_service.accept(db, person.principal, referral_id, data, seen,
                                             int(request.app.state.settings.quote_valid_seconds))
                elif step == "counter":
                    referrals_service.counter(db, person.principal, referral_id, data, seen)
                else:
                    referrals_service.decline(db, person.principal, referral_id, data, seen)
    except (ValidationFailed, StaleVersion, Conflict) as exc:
        with unit_of_work(request.app.state.read_sessions) as db:
            return _thread(page, db, person.principal, referral_id, exc, typed, status=exc.status)
    return page.redirect(f"/owner/referrals/{referral_id}?done={step}")
