"""REST endpoints of the licensing catalogue under /api/v1: templates, offers, exchange rates and
fees. (Quotes and referrals: quotes/endpoints.py.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from clearinghouse.api.auth import (
    OperatorCaller,
    RightsManagerCaller,
)
from clearinghouse.api.deps import (
    DB,
    Caller,
    IfMatch,
    Limit,
    MaybeCaller,
    Offset,
    RefParam,
    etag,
)
from clearinghouse.api.responses import AUTHED, PUBLIC, UPDATE, WRITE
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import NotFound
from clearinghouse.core.schemas import Page
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import rates as rates_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.catalogue.offer_schemas import (
    FeeCreate,
    FeeOut,
    OfferCreate,
    OfferOut,
    OfferUpdate,
    RateCreate,
    RateOut,
    VersionBody,
    fee_out,
    offer_out,
    rate_out,
)
from clearinghouse.licensing.catalogue.template_schemas import (
    TemplateCreate,
    TemplateOut,
    TemplateUpdate,
    template_out,
)
from clearinghouse.licensing.tables import Offer
from clearinghouse.licensing.terms import Purpose
from clearinghouse.registry import works_service

router = APIRouter(prefix="/api/v1")


# -- templates ------------------------------------------------------------------------------------


@router.get("/templates", response_model=Page[TemplateOut], tags=["templates"], responses=PUBLIC)
def list_templates(db: DB, viewer: MaybeCaller, offset: Offset = 0, limit: Limit = 50,
                   active: bool | None = None, purpose: Purpose | None = None) -> Page[TemplateOut]:
    """The routine license templates owners can price (filter by `active`, `purpose`)."""
    rows, total = templates_service.list_templates(
        db, active=active, purpose=purpose.value if purpose else None, offset=offset, limit=limit)
    return Page(items=[template_out(t) for t in rows], total=total, offset=offset, limit=limit)


@router.get("/templates/{template_ref}", response_model=TemplateOut, tags=["templates"],
            responses=PUBLIC)
def get_template(db: DB, viewer: MaybeCaller, template_ref: str, response: Response) -> TemplateOut:
    """By id or by code (e.g. `creator-short-video-30s`)."""
    row = templates_service.get_template(db, template_ref)
    response.headers["ETag"] = etag(row.version)
    return template_out(row)


@router.post("/templates", response_model=TemplateOut, status_code=201, tags=["templates"],
             responses=WRITE)
def create_template(db: DB, caller: OperatorCaller, body: TemplateCreate,
                    response: Response) -> TemplateOut:
    """Operator only."""
    row = templates_service.create_template(db, caller, body)
    response.headers["ETag"] = etag(row.version)
    return template_out(row)


@router.patch("/templates/{template_ref}", response_model=TemplateOut, tags=["templates"],
              responses=UPDATE)
def update_template(db: DB, caller: OperatorCaller, template_ref: str, body: TemplateUpdate,
                    if_match: IfMatch, response: Response) -> TemplateOut:
    """Operator only. Terms are frozen once an active offer prices the template (409)."""
    row = templates_service.update_template(db, caller, template_ref, body, if_match)
    response.headers["ETag"] = etag(row.version)
    return template_out(row)


# -- offers ---------------------------------------------------------------------------------------


def _offer_out(db: DB, offer: Offer) -> OfferOut:
    return offer_out(offer, templates_service.get_template(db, offer.template_id).code)


@router.post("/offers", response_model=OfferOut, status_code=201, tags=["offers"], responses=WRITE)
def create_offer(db: DB, caller: RightsManagerCaller, body: OfferCreate, response: Response) -> OfferOut:
    """Price a template for rights you (or the owner whose mandate you hold) hold: in some works
    or the whole catalogue. `declined: true` records that the holder will not license it."""
    offer = offers_service.create_offer(db, caller, body)
    response.headers["ETag"] = etag(offer.version)
    response.headers["Location"] = f"/api/v1/offers/{offer.id}"
    return _offer_out(db, offer)


@router.get("/offers", response_model=Page[OfferOut], tags=["offers"], responses=AUTHED)
def list_offers(db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 50,
                holder_id: RefParam | None = None,
                status: Annotated[str | None, Query(pattern="^(active|withdrawn)$")] = None,
                ) -> Page[OfferOut]:
    """Your offers, and your principals' when you are an agent (the operator sees all)."""
    rows, total = offers_service.list_offers(db, caller, holder_id=holder_id, status=status,
                                             offset=offset, limit=limit)
    return Page(items=[_offer_out(db, o) for o in rows], total=total, offset=offset, limit=limit)


@router.get("/offers/{offer_id}", response_model=OfferOut, tags=["offers"], responses=PUBLIC)
def get_offer(db: DB, viewer: MaybeCaller, offer_id: str, response: Response) -> OfferOut:
    offer = offers_service.get_offer(db, offer_id)
    response.headers["ETag"] = etag(offer.version)
    return _offer_out(db, offer)


@router.patch("/offers/{offer_id}", response_model=OfferOut, tags=["offers"], responses=UPDATE)
def update_offer(db: DB, caller: RightsManagerCaller, offer_id: str, body: OfferUpdate, if_match: IfMatch,
                 response: Response) -> OfferOut:
    """Change prices, rights or works; quotes already given keep the old price until they expire."""
    offer = offers_service.update_offer(db, caller, offer_id, body, if_match)
    response.headers["ETag"] = etag(offer.version)
    return _offer_out(db, offer)


@router.post("/offers/{offer_id}/withdraw", response_model=OfferOut, tags=["offers"],
             responses=UPDATE)
def withdraw_offer(db: DB, caller: RightsManagerCaller, offer_id: str, if_match: IfMatch,
                   body: VersionBody | None = None) -> OfferOut:
    version = if_match if if_match is not None else (body.version if body else None)
    return _offer_out(db, offers_service.withdraw_offer(db, caller, offer_id, version))


@router.get("/works/{work_id}/offers", response_model=Page[OfferOut], tags=["offers"],
            responses=PUBLIC)
def offers_of_work(db: DB, viewer: MaybeCaller, work_id: str, offset: Offset = 0,
                   limit: Limit = 50) -> Page[OfferOut]:
    """The active offers (rate cards) that cover this work, from its current holders."""
    works_service.get_work(db, work_id)
    rows = list(offers_service.offers_for_work(db, work_id))
    return Page(items=[_offer_out(db, o) for o in rows[offset : offset + limit]], total=len(rows),
                offset=offset, limit=limit)


# -- exchange rates and fees ----------------------------------------------------------------------


@router.get("/exchange-rates", response_model=Page[RateOut], tags=["rates"], responses=PUBLIC)
def list_rates(db: DB, viewer: MaybeCaller, offset: Offset = 0, limit: Limit = 50,
               base: Annotated[str | None, Query(pattern="^[A-Za-z]{3}$")] = None,
               quote: Annotated[str | None, Query(pattern="^[A-Za-z]{3}$")] = None,
               ) -> Page[RateOut]:
    rows, total = rates_service.list_rates(db, base=base, quote=quote, offset=offset, limit=limit)
    return Page(items=[rate_out(r) for r in rows], total=total, offset=offset, limit=limit)


@router.post("/exchange-rates", response_model=RateOut, status_code=201, tags=["rates"],
             responses=WRITE)
def set_rate(db: DB, caller: OperatorCaller, body: RateCreate) -> RateOut:
    """Operator only. Quotes use the latest rate effective on the quote's date."""
    return rate_out(rates_service.set_rate(db, caller, body))


@router.get("/fee-schedules", response_model=list[FeeOut], tags=["rates"], responses=PUBLIC)
def list_fees(db: DB, viewer: MaybeCaller) -> list[FeeOut]:
    return [fee_out(f) for f in rates_service.list_fees(db)]


@router.get("/fee-schedules/current", response_model=FeeOut, tags=["rates"], responses=PUBLIC)
def current_fees(db: DB, viewer: MaybeCaller) -> FeeOut:
    row = rates_service.fee_schedule_on(db, utcnow().date())
    if row is None:
        raise NotFound("no fee schedule is in force")
    return fee_out(row)


@router.post("/fee-schedules", response_model=FeeOut, status_code=201, tags=["rates"],
             responses=WRITE)
def set_fees(db: DB, caller: OperatorCaller, body: FeeCreate) -> FeeOut:
    """Operator only: the licensee-side and owner-side service fees, from a date."""
    return fee_out(rates_service.set_fees(db, caller, body))
