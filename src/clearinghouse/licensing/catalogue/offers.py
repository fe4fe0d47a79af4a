"""Rate cards: an owner (or its agent, within its mandate) prices a template for rights it holds.

The owner sets every price; the clearinghouse never does. Quotes snapshot the offer they use, so
changing or withdrawing an offer never changes a quote already given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.versioning import check_version
from clearinghouse.licensing.catalogue import repository as catalogue_repository
from clearinghouse.licensing.catalogue.clearable_repository import refresh_clearable_works
from clearinghouse.licensing.catalogue.domain import AMOUNT_FIELDS, PRICE_FIELDS, OfferFacts, Price
from clearinghouse.licensing.catalogue.offer_schemas import OfferCreate, OfferUpdate, PriceIn
from clearinghouse.licensing.catalogue.templates import get_template
from clearinghouse.licensing.tables import Offer
from clearinghouse.registry import repository
from clearinghouse.registry.tables import Holding


def check_price(price: dict[str, object], declined: bool, prefix: str = "") -> None:
    """A price needs at least one way of paying; a refusal carries none."""
    given = [k for k in AMOUNT_FIELDS if price.get(k) is not None]
    if declined and given:
        raise ValidationFailed("a declined offer carries no price; leave the amounts out",
                               field=prefix + given[0])
    if not declined and not any(price.get(k) is not None for k in
                                ("fixed_fee_minor", "per_1000_plays_minor", "per_copy_minor",
                                 "revenue_share_pct")):
        raise ValidationFailed("set a fixed fee, a running royalty (per 1,000 plays or per copy) "
                               "or a revenue share", field=prefix + "fixed_fee_minor")
    pct = price.get("revenue_share_pct")
    if pct is not None and not Decimal(0) < Decimal(str(pct)) <= 100:
        raise ValidationFailed("a revenue share is more than 0 and at most 100 percent",
                               field=prefix + "revenue_share_pct")


def price_of(data: PriceIn) -> Price:
    check_price(data.model_dump(), declined=False, prefix="price.")
    return Price(**data.model_dump(include=set(PRICE_FIELDS)))


def require_may_price(principal: Principal, holder_id: str, rights: Sequence[str]) -> None:
    if not principal.has(Role.OWNER, Role.AGENT, Role.OPERATOR):
        raise Forbidden("only owners, their agents and the operator set prices", field="holder_id")
    if not principal.acts_for(holder_id):
        raise Forbidden("you may price only your own rights, or those of an owner whose mandate "
                        "you hold", field="holder_id")
    if not principal.acts_for(holder_id, rights):
        raise Forbidden(f"your mandate from {holder_id} does not cover {', '.join(rights)}",
                        field="rights")


def _current(h: Holding, on: date) -> bool:
    return h.valid_to is None or h.valid_to > on


def check_holds(session: Session, holder_id: str, rights: Sequence[str], scope: str,
                work_ids: Sequence[str]) -> None:
    """Refuse to price a right the holder does not hold (actively, today) in each work."""
    today = utcnow().date()
    if scope == "catalogue":
        held = [h for h in repository.active_holdings_of_holder(session, holder_id)
                if _current(h, today)]
        missing = [{"right": r} for r in rights if not any(r in h.rights for h in held)]
        if missing:
            raise ValidationFailed(
                f"{holder_id} holds none of {', '.join(m['right'] for m in missing)} in any work; "
                "you can price only rights it holds", field="rights", details=missing)
        return
    works = repository.works_by_ids(session, list(work_ids))
    for i, wid in enumerate(work_ids):
        if wid not in works:
            raise ValidationFailed(f"work {wid} not found", field=f"work_ids[{i}]")
    held = [h for h in repository.holdings_of_works(session, list(work_ids))
            if h.holder_id == holder_id and _current(h, today)]
    missing = [{"field": "rights", "work_id": w, "right": r,
                "message": f"{holder_id} does not hold {r} in {w}"}
               for w in work_ids for r in rights
               if not any(h.work_id == w and r in h.rights for h in held)]
    if missing:
        first = missing[0]
        raise ValidationFailed(
            f"{holder_id} does not hold {first['right']} in work {first['work_id']}; you can "
            "price only rights it holds (register the holding first)", field="rights",
            details=missing)


def create_offer(session: Session, principal: Principal, data: OfferCreate) -> Offer:
    holder_id = data.holder_id or principal.party_id
    rights = sorted({r.value for r in data.rights})
    require_may_price(principal, holder_id, rights)
    template = get_template(session, data.template_id, field="template_id")
    if not template.active:
        raise ValidationFailed(f"template {template.code} is no longer offered",
                               field="template_id")
    values = data.model_dump(include=set(PRICE_FIELDS))
    check_price(values, data.declined)
    work_ids = list(dict.fromkeys(data.work_ids))
    check_holds(session, holder_id, rights, data.scope, work_ids)
    offer = Offer(id=new_id("ofr"), holder_id=holder_id, template_id=template.id,
                  scope=data.scope, work_ids=work_ids, rights=rights, declined=data.declined,
                  status="active", created_by=principal.party_id, **values)
    session.add(offer)
    session.flush()
    refresh_clearable_works(session, holder_ids=[offer.holder_id])  # search by use
    record(session, principal, "offer.create", "offer", offer.id, None, snapshot(offer))
    return offer


def get_offer(session: Session, offer_id: str) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(f"offer {offer_id} not found", field="offer_id")
    return offer


def _editable(session: Session, principal: Principal, offer_id: str) -> Offer:
    offer = get_offer(session, offer_id)
    require_may_price(principal, offer.holder_id, offer.rights)
    if offer.status != "active":
        raise ValidationFailed("a withdrawn offer cannot change; create a new one", field="status")
    return offer


def update_offer(session: Session, principal: Principal, offer_id: str, data: OfferUpdate,
                 version: int | None) -> Offer:
    offer = _editable(session, principal, offer_id)
    check_version(offer.version, version if version is not None else data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if changes.get("currency", "") is None or changes.get("declined", False) is None:
        raise ValidationFailed("currency and declined cannot be null",
                               field="currency" if "currency" in changes else "declined")
    before = snapshot(offer)
    rights = sorted({str(r) for r in changes.pop("rights", offer.rights)})
    work_ids = list(dict.fromkeys(changes.pop("work_ids", offer.work_ids)))
    if offer.scope == "catalogue" and "work_ids" in data.model_fields_set:
        raise ValidationFailed("a catalogue offer has no work_ids", field="work_ids")
    require_may_price(principal, offer.holder_id, rights)
    check_holds(session, offer.holder_id, rights, offer.scope, work_ids)
    price = {k: getattr(offer, k) for k in PRICE_FIELDS} | {
        k: v for k, v in changes.items() if k in PRICE_FIELDS}
    declined = changes.get("declined", offer.declined)
    check_price(price, declined)
    for key, value in price.items():
        setattr(offer, key, value)
    offer.rights, offer.work_ids, offer.declined = rights, work_ids, declined
    offer.touch()
    session.flush()
    refresh_clearable_works(session, holder_ids=[offer.holder_id])  # search by use
    record(session, principal, "offer.update", "offer", offer.id, before, snapshot(offer))
    return offer


def withdraw_offer(session: Session, principal: Principal, offer_id: str,
                   version: int | None) -> Offer:
    offer = _editable(session, principal, offer_id)
    check_version(offer.version, version)
    before = snapshot(offer)
    offer.status = "withdrawn"
    offer.touch()
    session.flush()
    refresh_clearable_works(session, holder_ids=[offer.holder_id])  # search by use
    record(session, principal, "offer.withdraw", "offer", offer.id, before, snapshot(offer))
    return offer


def list_offers(session: Session, principal: Principal, *, holder_id: str | None,
                status: str | None, offset: int, limit: int) -> tuple[Sequence[Offer], int]:
    """Your own offers (an agent: also those of its principals); the operator sees all."""
    holder_ids: list[str] | None = None
    if holder_id:
        if not principal.acts_for(holder_id):
            raise Forbidden("you may list only your own offers or your principals'",
                            field="holder_id")
        holder_ids = [holder_id]
    elif not principal.is_operator:
        # Only mandates in force: an expired one shows its former principal's offers no more.
        owners = {principal.party_id} | {m.owner_id for m in principal.mandates
                                          if principal.acts_for(m.owner_id)}
        holder_ids = sorted(owners)
    return catalogue_repository.page_of_offers(session, holder_ids=holder_ids, status=status,
                                               offset=offset, limit=limit)


def active_offers(session: Session, holder_ids: Sequence[str],
                  work_ids: Sequence[str]) -> list[Offer]:
    """The active offers of these holders that may cover any of these works."""
    return catalogue_repository.active_offers(session, holder_ids, work_ids)


def active_offer_facts(session: Session, holder_ids: Sequence[str], work_ids: Sequence[str],
                       template_ids: Sequence[str]) -> list[OfferFacts]:
    """The active offers of these holders on these templates that may cover these works,
    straight into the engine's facts (quotes read many offers)."""
    if not holder_ids or not work_ids or not template_ids:
        return []
    return [facts_of_row(r) for r in catalogue_repository.active_offer_rows(
        session, holder_ids, work_ids, template_ids)]


def facts_of_row(r: Any) -> OfferFacts:
    """From a row of repository.OFFER_COLUMNS (positional: this runs for every offer of every
    quote)."""
    return OfferFacts(id=r[0], version=r[1], holder_id=r[2], template_id=r[3],
                      rights=frozenset(r[4]), price=Price(*r[8:]), catalogue=r[5] == "catalogue",
                      work_ids=frozenset(r[6]), declined=r[7])


def offers_for_work(session: Session, work_id: str) -> list[Offer]:
    """What the public sees on a work: the active offers of its current holders that cover it."""
    holders = {h.holder_id for h in repository.holdings_of_work(session, work_id)}
    return [o for o in active_offers(session, sorted(holders), [work_id])
            if o.scope == "catalogue" or work_id in o.work_ids]


def facts_of(offer: Offer) -> OfferFacts:
    return OfferFacts(
        id=offer.id, version=offer.version, holder_id=offer.holder_id,
        template_id=offer.template_id, rights=frozenset(offer.rights),
        price=Price(**{k: getattr(offer, k) for k in PRICE_FIELDS}),
        catalogue=offer.scope == "catalogue", work_ids=frozenset(offer.work_ids),
        declined=offer.declined)
