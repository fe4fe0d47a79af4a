"""Offers and claims on unlicensed use: the owner lists the unlicensed use of its works, offers
its user a licence or records a claim; the user reads what is addressed to it, accepts an offer
(buying it as any quote is bought) or disputes a claim. Another party's offer or claim is a 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from clearinghouse.api.deps import DB, Caller, Limit, Offset, settings_of
from clearinghouse.api.responses import AUTHED, WRITE, errors
from clearinghouse.core.schemas import Page
from clearinghouse.registry import owner_service
from clearinghouse.royalties.unlicensed import evidence, service
from clearinghouse.royalties.unlicensed.schemas import (
    ActionOut,
    ClaimCreate,
    DisputeIn,
    OfferCreate,
    UseOut,
    action_out,
)
from clearinghouse.usage.lake import Lake

router = APIRouter(prefix="/api/v1", tags=["unlicensed"])
ActionId = Annotated[str, Path(min_length=1, max_length=40)]
PeriodQuery = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


def _lake(request: Request) -> Lake:
    return Lake(request.app.state.settings.lake_dir)


def _created(response: Response, out: ActionOut) -> ActionOut:
    response.headers["Location"] = f"/api/v1/unlicensed/actions/{out.id}"
    return out


@router.get("/unlicensed/uses", response_model=Page[UseOut], responses=AUTHED)
def list_uses(request: Request, db: DB, caller: Caller, period: PeriodQuery, offset: Offset = 0,
              limit: Limit = 50) -> Page[UseOut]:
    """Owner: the period's unlicensed use of your works, one item per work, user, channel and
    territory, most plays first: what an offer or a claim names."""
    work_ids = owner_service.work_ids_of_owner(db, caller)
    rows, total = evidence.uses_of_works(_lake(request), period, work_ids, offset, limit)
    return Page[UseOut](items=[UseOut(**r) for r in rows], total=total, offset=offset,
                        limit=limit)


@router.post("/unlicensed/offers", response_model=ActionOut, status_code=201, responses=WRITE)
def offer_licence(request: Request, response: Response, db: DB, caller: Caller,
                  body: OfferCreate) -> ActionOut:
    """Owner of the work: offer the user a licence for that use: a quote addressed to it, from
    the first to the last day of use and bounded to the plays and copies reported, priced from
    the work's routine offers, or at your `price` where none covers your part."""
    return _created(response, action_out(service.make_offer(db, caller, _lake(request), body)))


@router.post("/unlicensed/claims", response_model=ActionOut, status_code=201, responses=WRITE)
def record_claim(request: Request, response: Response, db: DB, caller: Caller,
                 body: ClaimCreate) -> ActionOut:
    """Owner of the work: claim against the user for that use, at the routine rate (its quote's
    total and running royalties on the plays and copies reported) or, none existing, `amount`."""
    return _created(response, action_out(service.make_claim(db, caller, _lake(request), body)))


@router.get("/unlicensed/actions", response_model=Page[ActionOut], responses=AUTHED)
def list_actions(db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 50) -> Page[ActionOut]:
    """Your offers and claims, and those addressed to you (use you reported), newest first."""
    rows, total = service.actions_of(db, caller, offset=offset, limit=limit)
    return Page[ActionOut](items=[action_out(a) for a in rows], total=total, offset=offset,
                           limit=limit)


@router.get("/unlicensed/actions/{action_id}", response_model=ActionOut, responses=AUTHED)
def get_action(db: DB, caller: Caller, action_id: ActionId) -> ActionOut:
    return action_out(service.get_action(db, caller, action_id))


@router.post("/unlicensed/actions/{action_id}/withdraw", response_model=ActionOut,
             responses=WRITE)
def withdraw(db: DB, caller: Caller, action_id: ActionId) -> ActionOut:
    """Owner who made it: withdraw an open offer or an open or disputed claim."""
    return action_out(service.withdraw(db, caller, action_id))


@router.post("/unlicensed/actions/{action_id}/dispute", response_model=ActionOut,
             responses=WRITE)
def dispute(db: DB, caller: Caller, action_id: ActionId, body: DisputeIn) -> ActionOut:
    """The party a claim is against: dispute it, saying why."""
    return action_out(service.dispute(db, caller, action_id, body.note))


@router.post("/unlicensed/actions/{action_id}/accept", response_model=ActionOut,
             responses=WRITE | errors(410))
def accept(request: Request, db: DB, caller: Caller, action_id: ActionId) -> ActionOut:
    """The party an offer is addressed to: buy it (a licence, paid as any other; the party needs
    the licensee role). Open claims on the same use are settled. An offer whose quote expired
    (30 days) is 410."""
    return action_out(service.accept(db, caller, action_id, settings_of(request)))
