"""Referrals: what no routine offer clears goes to the holder (or its administrator) to negotiate.

    open --counter--> countered --(licensee) accept--> accepted --purchase--> purchased
      |  \\--(holder) accept with a price------------->  ^
      |--decline--> declined          (either open or countered)
      \\--withdraw (licensee)--> withdrawn

An accepted referral becomes a Quote (source "referral") bought like any other. Only the licensee,
the holder's side (the holder, its agent within its mandate, the holding's administrator) and the
operator see a thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.versioning import check_version
from clearinghouse.licensing.catalogue import rates as rates_service
from clearinghouse.licensing.catalogue.domain import Price, countries_of
from clearinghouse.licensing.catalogue.offers import price_of
from clearinghouse.licensing.quotes import referrals_repository
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.engine import (
    PricedDraft,
    adaptation_gaps,
    price_referral,
    use_from_json,
    use_to_json,
    validate_use,
)
from clearinghouse.licensing.quotes.schemas import ReferralCreate, ReferralsFromQuote, ReferralStep
from clearinghouse.licensing.tables import Referral, ReferralMessage
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry import repository
from clearinghouse.registry.domain import Right

OPEN, COUNTERED, ACCEPTED = "open", "countered", "accepted"
DECLINED, WITHDRAWN = "declined", "withdrawn"
LIVE = (OPEN, COUNTERED)
# Reasons a holder can settle; a dispute or an unclaimed share needs the registry, not a price.
REFERABLE = {"no_offer", "declined", "collective_management", "author_approval_required",
             "no_exchange_rate", "adaptation_right_not_cleared"}


def holder_side(principal: Principal, ref: Referral) -> bool:
    return (principal.is_operator or principal.acts_for(ref.holder_id, [ref.right])
            or (ref.administrator_id is not None and principal.party_id == ref.administrator_id))


def may_see(principal: Principal, ref: Referral) -> bool:
    return principal.party_id == ref.licensee_id or holder_side(principal, ref)


def get_referral(session: Session, principal: Principal, referral_id: str) -> Referral:
    ref = session.get(Referral, referral_id)
    if ref is None:
        raise NotFound(f"referral {referral_id} not found", field="referral_id")
    if not may_see(principal, ref):
        raise Forbidden("only the licensee, the holder's side and the operator see a referral",
                        field="referral_id")
    return ref


def messages_of(session: Session, referral_id: str) -> list[ReferralMessage]:
    return referrals_repository.messages_of(session, referral_id)


def _note(session: Session, principal: Principal, ref: Referral, kind: str, body: str | None,
          price: dict[str, Any] | None = None) -> ReferralMessage:
    msg = ReferralMessage(referral_id=ref.id, author_id=principal.party_id, kind=kind, body=body,
                          price=price, at=utcnow())
    session.add(msg)
    return msg


def _require_licensee(principal: Principal) -> None:
    if not principal.has(Role.LICENSEE):
        raise Forbidden("only a licensee sends referrals")


def _open(session: Session, principal: Principal, *, work_id: str, right: str, holder_id: str,
          use: dict[str, Any], currency: str, reason: str | None, from_quote_id: str | None,
          message: str | None) -> Referral:
    held = [h for h in repository.holdings_of_work(session, work_id)
            if h.holder_id == holder_id and right in h.rights]
    countries = countries_of(use["territories"], use.get("territories_excluded") or ())
    held = [h for h in held if countries_of(h.territories, h.territories_excluded) & countries]
    if not held:
        raise ValidationFailed(f"{holder_id} holds no {right} in work {work_id} in that territory",
                               field="holder_id")
    duplicate = referrals_repository.live_referral_about(
        session, licensee_id=principal.party_id, work_id=work_id, right=right,
        holder_id=holder_id, live_statuses=LIVE)
    if duplicate is not None:
        raise Conflict(f"referral {duplicate.id} about this is still open", field="work_id",
                       details={"referral_id": duplicate.id})
    now = utcnow()
    ref = Referral(
        id=new_id("ref"), licensee_id=principal.party_id, holder_id=holder_id,
        administrator_id=next((h.administrator_id for h in held if h.administrator_id), None),
        work_id=work_id, right=right, share_ppm=max(h.share_ppm for h in held), use=use,
        currency=currency, reason=reason, from_quote_id=from_quote_id, status=OPEN,
        created_at=now, updated_at=now)
    session.add(ref)
    session.flush()
    _note(session, principal, ref, "request", message)
    record(session, principal, "referral.create", "referral", ref.id, None, snapshot(ref))
    return ref


def refer_from_quote(session: Session, principal: Principal, quote_id: str,
                     data: ReferralsFromQuote) -> list[Referral]:
    _require_licensee(principal)
    quote = quotes_service.get_quote(session, principal, quote_id)
    if quote.licensee_id != principal.party_id:
        raise Forbidden("only the quote's licensee refers its parts", field="quote_id")
    if quotes_service.effective_status(quote) == quotes_service.EXPIRED:
        quotes_service.require_open(quote)  # refuses with 410 Gone: the facts may have changed
    parts = quote.unclearable
    if data.parts:
        chosen = []
        for i, ref in enumerate(data.parts):
            match = next((u for u in parts if (u.work_id, u.right, u.holder_id) ==
                          (ref.work_id, ref.right.value, ref.holder_id)), None)
            if match is None:
                raise ValidationFailed("the quote has no such unclearable part",
                                       field=f"parts[{i}]")
            if match.reason not in REFERABLE:
                raise ValidationFailed(
                    f"a part that is unclearable for {match.reason} is not for the holder to "
                    "settle: " + match.message, field=f"parts[{i}]")
            chosen.append(match)
    else:
        chosen = [u for u in parts if u.holder_id and u.reason in REFERABLE]
        if not chosen:
            raise ValidationFailed("the quote has nothing a holder could settle by referral",
                                   field="parts")
    use = use_to_json(quote.use)
    return [
        _open(session, principal, work_id=u.work_id, right=u.right,
              holder_id=u.holder_id, use=use | {"work_ids": [u.work_id]},
              currency=quote.currency, reason=u.reason, from_quote_id=quote.id,
              message=data.message)
        for u in chosen
    ]


def refer(session: Session, principal: Principal, data: ReferralCreate) -> Referral:
    """A referral without a quote: a use of one right in one work, sent to one holder."""
    _require_licensee(principal)
    today = utcnow().date()
    platforms_service.refresh(session)
    use = quotes_service.use_of(data, [data.work_id], today)
    work = repository.get_work(session, data.work_id)
    if work is None:
        raise ValidationFailed(f"work {data.work_id} not found", field="work_id")
    market = quotes_service.gather(session, use, data.currency, today)
    validate_use(use, market.works)
    return _open(session, principal, work_id=work.id, right=data.right.value,
                 holder_id=data.holder_id, use=use_to_json(use), currency=data.currency,
                 reason=None, from_quote_id=None, message=data.message)


def list_referrals(session: Session, principal: Principal, *, status: str | None, offset: int,
                   limit: int) -> tuple[Sequence[Referral], int]:
    parties = None if principal.is_operator else sorted(
        {principal.party_id} | {m.owner_id for m in principal.mandates})
    rows = [r for r in referrals_repository.referrals_touching(session, party_ids=parties,
                                                                 status=status)
            if may_see(principal, r)]  # a mandate may cover only some rights
    return rows[offset:offset + limit], len(rows)


def post_message(session: Session, principal: Principal, referral_id: str,
                 body: str) -> ReferralMessage:
    ref = get_referral(session, principal, referral_id)
    msg = _note(session, principal, ref, "message", body)
    session.flush()
    return msg


def _step(session: Session, principal: Principal, referral_id: str, step: ReferralStep,
          version: int | None, *, side: str, allowed: Sequence[str]) -> Referral:
    ref = get_referral(session, principal, referral_id)
    is_licensee = principal.party_id == ref.licensee_id
    if side == "holder" and not holder_side(principal, ref):
        raise Forbidden("only the holder's side answers a referral", field="referral_id")
    if side == "licensee" and not is_licensee:
        raise Forbidden("only the licensee who sent the referral does this", field="referral_id")
    check_version(ref.version, version if version is not None else step.version)
    if ref.status not in allowed:
        raise Conflict(f"a referral that is {ref.status} cannot do this", field="status",
                       details={"status": ref.status, "allowed_from": list(allowed)})
    return ref


def _move(session: Session, principal: Principal, ref: Referral, status: str, kind: str,
          body: str | None, price: dict[str, Any] | None = None) -> Referral:
    before = snapshot(ref)
    ref.status = status
    if price is not None:
        ref.price = price
    ref.touch()
    _note(session, principal, ref, kind, body, price)
    session.flush()
    record(session, principal, f"referral.{kind}", "referral", ref.id, before, snapshot(ref))
    return ref


def _quote_for(session: Session, principal: Principal, ref: Referral,
               valid_seconds: int) -> None:
    """The agreed line; for a modified use also every share of the modify right it leaves
    uncleared: an approval given in a referral is not the right to modify (nor is another right)."""
    price = Price.from_json(ref.price or {})
    work = repository.get_work(session, ref.work_id)
    holder = repository.get_party(session, ref.holder_id)
    today = utcnow().date()
    use = use_from_json(ref.use)
    draft = PricedDraft(work_id=ref.work_id, work_title=work.title if work else ref.work_id,
                        right=ref.right, holder_id=ref.holder_id,
                        holder_name=holder.name if holder else ref.holder_id,
                        share_ppm=ref.share_ppm, price=price,
                        countries=tuple(sorted(countries_of(
                            ref.use["territories"], ref.use.get("territories_excluded") or ()))))
    result = price_referral(draft, ref.currency,
                            rates_service.rates_on(session, {ref.currency, price.currency}, today),
                            rates_service.fees_on(session, today), today)
    if use.modified:
        cleared = {(ref.work_id, ref.holder_id)} if ref.right == Right.MODIFY.value else set()
        market = quotes_service.gather(session, use, ref.currency, today)
        result = replace(result, unclearable=adaptation_gaps(use, ref.currency, market, today,
                                                             cleared))
    quote = quotes_service.save_quote(session, principal, ref.licensee_id, use, ref.currency,
                                      result, valid_seconds, source="referral", referral_id=ref.id)
    ref.quote_id = quote.id


def _checked_price(ref: Referral, step: ReferralStep, session: Session) -> dict[str, Any]:
    if step.price is None:
        raise ValidationFailed("state your price (currency and fixed fee, or running terms)",
                               field="price")
    price = price_of(step.price)
    today = utcnow().date()
    rates = rates_service.rates_on(session, {ref.currency, price.currency}, today)
    draft = PricedDraft(ref.work_id, "", ref.right, ref.holder_id, "", ref.share_ppm, price)
    price_referral(draft, ref.currency, rates, rates_service.fees_on(session, today), today)
    return price.to_json()


def accept(session: Session, principal: Principal, referral_id: str, step: ReferralStep,
           version: int | None, valid_seconds: int) -> Referral:
    """The holder accepts with a price, or the licensee accepts the holder's counter."""
    ref = get_referral(session, principal, referral_id)
    if principal.party_id == ref.licensee_id:
        ref = _step(session, principal, referral_id, step, version, side="licensee",
                    allowed=(COUNTERED,))
        if step.price is not None:
            raise ValidationFailed("you accept the holder's counter as it stands; to propose "
                                   "another price, send a message", field="price")
        ref = _move(session, principal, ref, ACCEPTED, "accept", step.message)
    else:
        ref = _step(session, principal, referral_id, step, version, side="holder", allowed=LIVE)
        ref = _move(session, principal, ref, ACCEPTED, "accept", step.message,
                    _checked_price(ref, step, session))
    _quote_for(session, principal, ref, valid_seconds)
    session.flush()
    return ref


def counter(session: Session, principal: Principal, referral_id: str, step: ReferralStep,
            version: int | None) -> Referral:
    ref = _step(session, principal, referral_id, step, version, side="holder", allowed=LIVE)
    return _move(session, principal, ref, COUNTERED, "counter", step.message,
                 _checked_price(ref, step, session))


def decline(session: Session, principal: Principal, referral_id: str, step: ReferralStep,
            version: int | None) -> Referral:
    ref = _step(session, principal, referral_id, step, version, side="holder", allowed=LIVE)
    return _move(session, principal, ref, DECLINED, "decline", step.message)


def withdraw(session: Session, principal: Principal, referral_id: str, step: ReferralStep,
             version: int | None) -> Referral:
    ref = _step(session, principal, referral_id, step, version, side="licensee", allowed=LIVE)
    return _move(session, principal, ref, WITHDRAWN, "withdraw", step.message)

