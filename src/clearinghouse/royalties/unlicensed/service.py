"""Offers and claims on unlicensed use. Only a holder (or manager) of the work acts on its use;
the party the use was reported by sees what is addressed to it and answers; nobody else sees
either (a 404, as for an id that does not exist). Services flush; the caller commits.

An offer is a quote addressed to the user (licensing's quote service prices it) that starts on
the first day of the use, so that buying it covers that past use when the period is run again;
accepting it buys it through the ordinary purchase path and settles the claims on the same use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.settings import Settings
from clearinghouse.licensing.purchases import service as purchases
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.terms import PAST_USE_SOURCE
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry
from clearinghouse.royalties.unlicensed import evidence as evidence_reading
from clearinghouse.royalties.unlicensed import pricing, repository
from clearinghouse.royalties.unlicensed.domain import (
    ActionKind,
    ActionStatus,
    Evidence,
    Step,
    UseKey,
    next_status,
)
from clearinghouse.royalties.unlicensed.schemas import ClaimCreate, OfferCreate, UseIn
from clearinghouse.royalties.unlicensed.tables import UnlicensedAction
from clearinghouse.usage.lake import Lake

OFFER_VALID_SECONDS = 30 * 24 * 3600  # the user needs time to look; the quote holds its price
ROUTINE, STATED = "routine", "stated"


def _key(data: UseIn) -> UseKey:
    return UseKey(period=data.period, work_id=data.work_id, user_id=data.user_id,
                  channel=data.channel, territory=data.territory.upper())


def _checked_use(session: Session, principal: Principal, lake: Lake, data: UseIn
                 ) -> tuple[UseKey, Evidence]:
    """The use, once the caller is shown to hold the work; its evidence from the lake."""
    owner_service.owned_work(session, principal, data.work_id)  # not a holder: 403; no work: 404
    key = _key(data)
    if key.user_id == principal.party_id:
        raise ValidationFailed("this use was reported by you", field="user_id")
    if registry.get_party(session, key.user_id) is None:
        raise NotFound(f"party {key.user_id} not found", field="user_id")
    found = evidence_reading.evidence_of(lake, key)
    if found is None:
        raise NotFound("no unlicensed use of this work by that party on that channel and in "
                       f"that territory in {key.period}", field="work_id")
    return key, found


def _new(session: Session, principal: Principal, kind: ActionKind, key: UseKey, found: Evidence,
         currency: str, amount_minor: int, basis: str, quote_id: str | None = None
         ) -> UnlicensedAction:
    now = utcnow()
    action = repository.add(session, UnlicensedAction(
        id=new_id("ula"), kind=kind.value, status=ActionStatus.OPEN.value,
        holder_id=principal.party_id, user_id=key.user_id, work_id=key.work_id,
        period=key.period, channel=key.channel, territory=key.territory,
        evidence=found.to_json(), quote_id=quote_id, currency=currency,
        amount_minor=amount_minor, amount_basis=basis, created_at=now, updated_at=now))
    record(session, principal, f"unlicensed.{kind.value}", "unlicensed_action", action.id, None,
           snapshot(action))
    return action


def make_offer(session: Session, principal: Principal, lake: Lake, data: OfferCreate,
               now: datetime | None = None) -> UnlicensedAction:
    """A quote for the use, addressed to its user: the routine offers' price, or (none covering
    the owner's part) the owner's stated price."""
    key, found = _checked_use(session, principal, lake, data)
    today = (now or utcnow()).date()
    use = pricing.use_of(key, found, data.purpose, data.seconds)
    result = pricing.routine(session, use, data.currency, today)
    if data.price is None and not result.lines:
        raise ValidationFailed("no routine offer covers this use: state your price",
                               field="price")
    if data.price is not None:
        if result.lines:
            raise ValidationFailed("a routine offer covers this use and its price applies: "
                                   "leave the price out", field="price")
        result = pricing.stated(session, principal, use, data.currency, data.price, today)
    quote = quotes_service.save_quote(session, principal, key.user_id, use, data.currency, result,
                                      OFFER_VALID_SECONDS, source=PAST_USE_SOURCE, now=now)
    return _new(session, principal, ActionKind.OFFER, key, found, quote.currency,
                quote.totals.total_minor, STATED if data.price is not None else ROUTINE,
                quote_id=quote.id)


def make_claim(session: Session, principal: Principal, lake: Lake, data: ClaimCreate,
               now: datetime | None = None) -> UnlicensedAction:
    """A claim for what the use would have cost at the routine rate, or the owner's amount where
    no routine offer prices it."""
    key, found = _checked_use(session, principal, lake, data)
    today = (now or utcnow()).date()
    routine_lines = None
    if key.channel is not None:
        use = pricing.use_of(key, found, data.purpose, data.seconds)
        routine_lines = pricing.routine(session, use, data.currency, today)
    if routine_lines is not None and routine_lines.lines:
        if data.amount is not None:
            raise ValidationFailed("a routine offer prices this use and the claim is at its "
                                   "rate: leave the amount out", field="amount")
        amount = pricing.claim_minor(session, routine_lines, found, data.currency, today)
        basis = ROUTINE
    elif data.amount is None:
        raise ValidationFailed("no routine offer prices this use: state the amount you claim",
                               field="amount")
    else:
        amount, basis = pricing.minor_of(data.currency, data.amount, "amount"), STATED
    return _new(session, principal, ActionKind.CLAIM, key, found, data.currency, amount, basis)


def may_see(principal: Principal, action: UnlicensedAction) -> bool:
    return principal.party_id in (action.holder_id, action.user_id)


def get_action(session: Session, principal: Principal, action_id: str) -> UnlicensedAction:
    action = repository.get(session, action_id)
    if action is None or not may_see(principal, action):
        raise NotFound(f"offer or claim {action_id} not found", field="action_id")
    return action


def actions_of(session: Session, principal: Principal, *, offset: int, limit: int
               ) -> tuple[Sequence[UnlicensedAction], int]:
    """The caller's offers and claims, and those addressed to it."""
    return repository.page_for_party(session, principal.party_id, offset=offset, limit=limit)


def _move(session: Session, principal: Principal, action: UnlicensedAction, step: Step,
          note: str | None = None) -> UnlicensedAction:
    before = snapshot(action)
    action.status = next_status(ActionKind(action.kind), ActionStatus(action.status), step).value
    if note is not None:
        action.note = note
    action.updated_at = utcnow()
    session.flush()
    record(session, principal, f"unlicensed.{step.value}", "unlicensed_action", action.id,
           before, snapshot(action))
    return action


def withdraw(session: Session, principal: Principal, action_id: str) -> UnlicensedAction:
    action = get_action(session, principal, action_id)
    if principal.party_id != action.holder_id:
        raise Forbidden("only the owner who made it withdraws it", field="action_id")
    return _move(session, principal, action, Step.WITHDRAW)


def dispute(session: Session, principal: Principal, action_id: str, note: str) -> UnlicensedAction:
    action = get_action(session, principal, action_id)
    if principal.party_id != action.user_id:
        raise Forbidden("only the party the claim is against disputes it", field="action_id")
    return _move(session, principal, action, Step.DISPUTE, note)


def accept(session: Session, principal: Principal, action_id: str, settings: Settings
           ) -> UnlicensedAction:
    """Buy the offer's quote (the ordinary purchase: payment as any licence's) and settle the
    open claims on the same use."""
    action = get_action(session, principal, action_id)
    if principal.party_id != action.user_id:
        raise Forbidden("only the party the offer is addressed to accepts it", field="action_id")
    next_status(ActionKind(action.kind), ActionStatus(action.status), Step.ACCEPT)  # may it?
    bought = purchases.purchase(session, principal, purchases.PurchaseRequest(str(action.quote_id)),
                                f"unlicensed-offer-{action.id}", settings)
    action.license_id = bought.license.id
    _move(session, principal, action, Step.ACCEPT)
    for claim in repository.open_claims_on(
            session, work_id=action.work_id, user_id=action.user_id, period=action.period,
            channel=action.channel, territory=action.territory,
            statuses=(ActionStatus.OPEN.value, ActionStatus.DISPUTED.value)):
        _move(session, principal, claim, Step.SETTLE)
    return action
