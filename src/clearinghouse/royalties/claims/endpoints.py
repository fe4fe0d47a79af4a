"""Usage claims: an owner claims an item of the unmatched report as one of its works, with
evidence; the operator decides. Owners find the items with `GET /api/v1/unmatched-usage`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from clearinghouse.api.deps import DB, Caller, Limit, Offset, write_sessions
from clearinghouse.api.responses import AUTHED, WRITE
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.schemas import Page
from clearinghouse.royalties.claims import service, unmatched_items
from clearinghouse.royalties.claims.domain import ClaimStatus
from clearinghouse.royalties.claims.schemas import (
    ClaimCreate,
    ClaimDecision,
    ClaimOut,
    DecisionOut,
    UnmatchedItemOut,
    claim_out,
)
from clearinghouse.royalties.run_job import start_run
from clearinghouse.usage.lake import Lake

router = APIRouter(prefix="/api/v1", tags=["usage claims"])
SearchText = Annotated[str, Query(max_length=100, description="Part of an identifier or title; "
                                  "empty: every claimable item")]
PeriodQuery = Annotated[str, Query(pattern=r"^(\d{4}-\d{2})?$", max_length=7,
                                   description="The month, YYYY-MM; default the latest matched")]


def _lake(request: Request) -> Lake:
    return Lake(request.app.state.settings.lake_dir)


@router.get("/unmatched-usage", response_model=Page[UnmatchedItemOut], responses=AUTHED)
def search_unmatched(request: Request, caller: Caller, q: SearchText = "", period: PeriodQuery = "",
                     offset: Offset = 0, limit: Limit = 20) -> Page[UnmatchedItemOut]:
    """Owner, agent or operator: the claimable items of a period's unmatched report (an unknown
    identifier or an ambiguous title) whose identifier or title holds `q`, largest first. Only
    what a claim needs is shown: never the reporter or its other data."""
    if not caller.is_operator:
        service.require_claimant_role(caller)
    lake = _lake(request)
    periods = unmatched_items.periods(lake)
    chosen = period or (periods[0] if periods else "")
    found = unmatched_items.search(lake, chosen, q.strip(), offset, limit) if chosen else \
        unmatched_items.Found([], 0)
    return Page(items=[UnmatchedItemOut(**row) for row in found.rows], total=found.total,
                offset=offset, limit=limit)


@router.post("/usage-claims", response_model=ClaimOut, status_code=201, responses=WRITE)
def create_claim(request: Request, db: DB, caller: Caller, body: ClaimCreate) -> ClaimOut:
    """Owner (or its agent): claim an unmatched item as a work the claimant holds or manages. A
    pending claim of the same claimant on the same item is a 409 naming it
    (`details.existing_claim_id`); a work the claimant does not hold is a 403."""
    return claim_out(service.create_claim(db, caller, _lake(request), body))


@router.get("/usage-claims", response_model=Page[ClaimOut], responses=AUTHED)
def list_claims(db: DB, caller: Caller, status: ClaimStatus | None = None, offset: Offset = 0,
                limit: Limit = 50) -> Page[ClaimOut]:
    """The operator: every claim (`status=pending` for the queue); an owner or agent its own.
    Newest first."""
    rows, total = service.list_claims(db, caller, status=status, offset=offset, limit=limit)
    return Page(items=[claim_out(c) for c in rows], total=total, offset=offset, limit=limit)


@router.get("/usage-claims/{claim_id}", response_model=ClaimOut, responses=AUTHED)
def get_claim(db: DB, caller: Caller, claim_id: str) -> ClaimOut:
    """One claim: its claimant, who filed it, or the operator (anyone else: 404)."""
    return claim_out(service.get_claim(db, caller, claim_id))


@router.post("/usage-claims/{claim_id}/withdraw", response_model=ClaimOut, responses=WRITE)
def withdraw_claim(db: DB, caller: Caller, claim_id: str) -> ClaimOut:
    """The claimant: withdraw a pending claim (a decided one is a 409)."""
    return claim_out(service.withdraw(db, caller, claim_id))


@router.post("/usage-claims/{claim_id}/decision", response_model=DecisionOut, responses=WRITE)
def decide_claim(request: Request, caller: Caller, claim_id: str, body: ClaimDecision
                 ) -> DecisionOut:
    """Operator: accept a pending claim (its identifier or title becomes an alias of the work;
    other pending claims on the item are rejected as `claimed_by_another`; run the period again
    to match it, unless it is closed: a closed period is not rated again, the alias applies to
    periods run from now on) or reject it with a reason (`other` needs a note). Accepting an item
    of an open period starts its run at once (`rerun_job_id`): the item is matched and paid
    without a further step."""
    with unit_of_work(write_sessions(request)) as db:  # committed before the run reads it
        decided = service.decide(db, caller, claim_id, body)
        out = DecisionOut(claim=claim_out(decided.claim), rejected_claim_ids=decided.rejected,
                          period_closed=decided.period_closed, rerun_needed=decided.rerun_needed)
        period = decided.claim.period
    if decided.rerun_needed:
        out.rerun_job_id = start_run(request.app.state, caller, period).id
    return out
