"""Content claims over HTTP. The owner's side sets policies, reads claims on its works, answers
disputes and withdraws; the uploader (or its platform) reads claims against it, buys the offer,
disputes and escalates; the platform reports a monetised upload's earnings; the operator decides
escalated disputes. Anyone else: 404, as for a claim that does not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from clearinghouse.api.deps import DB, Caller, Limit, Offset, settings_of
from clearinghouse.api.responses import AUTHED, WRITE, errors
from clearinghouse.core.schemas import Page
from clearinghouse.enforcement import disputes, escrow, policies, repository, service
from clearinghouse.enforcement.domain import ClaimStatus, DisputeStatus
from clearinghouse.enforcement.schemas import (
    AnswerIn,
    ClaimDetail,
    ClaimOut,
    DecideIn,
    DisputeIn,
    DisputeOut,
    EarningsIn,
    EarningsOut,
    EscalateIn,
    PolicyIn,
    PolicyOut,
    WithdrawIn,
    claim_out,
    dispute_out,
    event_out,
    policy_out,
)

router = APIRouter(prefix="/api/v1", tags=["enforcement"])
ClaimId = Annotated[str, Path(min_length=1, max_length=40)]
WorkQuery = Annotated[str | None, Query(min_length=1, max_length=40)]
TerritoryQuery = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")]


def _days(request: Request) -> int:
    return settings_of(request).dispute_answer_days


def detail(db: DB, caller: Caller, claim_id: str) -> ClaimDetail:
    claim = service.get_claim(db, caller, claim_id)
    dispute = repository.dispute_of(db, claim.id)
    return ClaimDetail(claim=claim_out(claim), dispute=dispute_out(dispute) if dispute else None,
                       history=[event_out(e) for e in repository.events_of(db, claim.id)],
                       escrow_held=escrow.held(db, claim.id))


@router.get("/enforcement/policies", response_model=list[PolicyOut], responses=AUTHED)
def list_policies(db: DB, caller: Caller) -> list[PolicyOut]:
    """Owner: your default and the policies on works you hold or manage. Where none applies,
    an unlicensed upload is tracked."""
    return [policy_out(p) for p in policies.policies_of(db, caller)]


@router.put("/enforcement/policies", response_model=PolicyOut, responses=WRITE)
def set_policy(db: DB, caller: Caller, body: PolicyIn) -> PolicyOut:
    """Owner (a manager of the work): what happens to unlicensed uploads of a work in a territory
    (territory null: everywhere; work null: your default for the works you registered)."""
    return policy_out(policies.set_policy(db, caller, work_id=body.work_id,
                                          territory=body.territory, policy=body.policy))


@router.delete("/enforcement/policies", status_code=204, responses=WRITE)
def clear_policy(db: DB, caller: Caller, work_id: WorkQuery = None,
                 territory: TerritoryQuery = None) -> Response:
    policies.clear_policy(db, caller, work_id=work_id, territory=territory)
    return Response(status_code=204)


@router.get("/claims", response_model=Page[ClaimOut], responses=AUTHED)
def list_claims(db: DB, caller: Caller, status: ClaimStatus | None = None, offset: Offset = 0,
                limit: Limit = 50) -> Page[ClaimOut]:
    """Claims on your works (owner) and against you (uploader, platform), newest first; the
    operator sees all."""
    rows, total = service.list_claims(db, caller, status=status.value if status else None,
                                      offset=offset, limit=limit)
    return Page[ClaimOut](items=[claim_out(c) for c in rows], total=total, offset=offset,
                          limit=limit)


@router.get("/claims/{claim_id}", response_model=ClaimDetail, responses=AUTHED)
def get_claim(db: DB, caller: Caller, claim_id: ClaimId) -> ClaimDetail:
    """The claim, its dispute, its full history and what its escrow holds: for both sides and
    the operator."""
    return detail(db, caller, claim_id)


@router.post("/claims/{claim_id}/withdraw", response_model=ClaimOut, responses=WRITE)
def withdraw(db: DB, caller: Caller, claim_id: ClaimId, body: WithdrawIn) -> ClaimOut:
    """Owner: drop the claim (an open dispute closes; escrow goes to the uploader)."""
    return claim_out(service.withdraw(db, caller, claim_id, body.note))


@router.post("/claims/{claim_id}/buy", response_model=ClaimOut, responses=WRITE | errors(410))
def buy(request: Request, db: DB, caller: Caller, claim_id: ClaimId) -> ClaimOut:
    """Uploader (a licensee): buy the claim's licence offer in one step, paid as any licence;
    the claim closes as licensed. An offer whose quote expired (30 days) is 410."""
    return claim_out(service.buy(db, caller, claim_id, settings_of(request)))


@router.post("/claims/{claim_id}/earnings", response_model=EarningsOut, status_code=201,
             responses=WRITE)
def report_earnings(db: DB, caller: Caller, claim_id: ClaimId, body: EarningsIn) -> EarningsOut:
    """The upload's platform: what a monetised upload earned. It goes to the owner, or to escrow
    while a dispute is open."""
    where = escrow.report_earnings(db, caller, claim_id, amount=body.amount,
                                   currency=body.currency, note=body.note)
    return EarningsOut(claim_id=claim_id, destination=where)


@router.post("/claims/{claim_id}/dispute", response_model=DisputeOut, status_code=201,
             responses=WRITE)
def open_dispute(request: Request, db: DB, caller: Caller, claim_id: ClaimId,
                 body: DisputeIn) -> DisputeOut:
    """Uploader (or its platform): dispute an open claim with a reason and evidence. The owner
    has `dispute_answer_days` (14 by default) to answer, or it lapses in your favour."""
    return dispute_out(disputes.open_dispute(db, caller, claim_id, reason=body.reason,
                                             evidence=body.evidence, answer_days=_days(request)))


@router.post("/claims/{claim_id}/dispute/answer", response_model=DisputeOut, responses=WRITE)
def answer(request: Request, db: DB, caller: Caller, claim_id: ClaimId,
           body: AnswerIn) -> DisputeOut:
    """Owner: uphold the claim (say why) or release it, before the deadline."""
    return dispute_out(disputes.answer(db, caller, claim_id, uphold=body.decision == "uphold",
                                       note=body.note, answer_days=_days(request)))


@router.post("/claims/{claim_id}/dispute/escalate", response_model=DisputeOut, responses=WRITE)
def escalate(db: DB, caller: Caller, claim_id: ClaimId, body: EscalateIn) -> DisputeOut:
    """Uploader: take an upheld claim to the operator."""
    return dispute_out(disputes.escalate(db, caller, claim_id, body.note))


@router.post("/claims/{claim_id}/dispute/decide", response_model=DisputeOut, responses=WRITE)
def decide(db: DB, caller: Caller, claim_id: ClaimId, body: DecideIn) -> DisputeOut:
    """Operator only: decide an escalated dispute for the uploader or the owner."""
    return dispute_out(disputes.decide(db, caller, claim_id, for_uploader=body.winner == "uploader",
                                       note=body.note))


@router.get("/disputes", response_model=Page[DisputeOut], responses=AUTHED)
def list_disputes(db: DB, caller: Caller, status: DisputeStatus | None = None,
                  offset: Offset = 0, limit: Limit = 50) -> Page[DisputeOut]:
    """Disputes of claims on your works or against you; the operator: all (status=escalated:
    the contested ones it decides)."""
    rows, total = disputes.list_disputes(db, caller, status=status.value if status else None,
                                         offset=offset, limit=limit)
    return Page[DisputeOut](items=[dispute_out(d) for d in rows], total=total, offset=offset,
                            limit=limit)
