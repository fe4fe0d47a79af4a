"""Disputes, neutrally: the uploader (or its platform for it) disputes an open claim with a reason
and evidence; the owner releases it or upholds it within the deadline, or it lapses in the
uploader's favour; an upheld claim may be escalated, and then the operator, never the owner,
decides. Every step goes into the claim's history. When a dispute ends with a winner, the
upload's escrowed earnings go to it, once (escrow.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.clock import as_utc, utcnow
from clearinghouse.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.enforcement import escrow, repository
from clearinghouse.enforcement.domain import (
    CLAIM_AFTER,
    DEFAULT_ANSWER_DAYS,
    MAX_EVIDENCE_CHARS,
    OPEN_DISPUTES,
    WINNER,
    ClaimStatus,
    DisputeReason,
    DisputeStatus,
    Step,
    answer_deadline,
    check_claim_open_for,
    lapse_due,
    next_dispute_status,
)
from clearinghouse.enforcement.sides import (
    Seat,
    acting_seat,
    log,
    managing_owner,
    uploader_side,
    visible_claim,
)
from clearinghouse.enforcement.tables import ClaimDispute, ContentClaim
from clearinghouse.registry import owner_service


def _move(session: Session, principal: Principal | None, claim: ContentClaim,
          dispute: ClaimDispute, step: Step, seat: Seat, now: datetime, note: str | None = None
          ) -> ClaimDispute:
    after = next_dispute_status(DisputeStatus(dispute.status), step)
    dispute.status, dispute.updated_at = after.value, now
    claim_after = CLAIM_AFTER[after]
    if claim_after is not None:
        claim.status, claim.updated_at = claim_after.value, now
    session.flush()
    log(session, principal, claim, seat, f"dispute_{after.value}", note)
    winner = WINNER.get(after)
    if winner is not None and not dispute.escrow_released:
        escrow.release(session, principal, claim, winner)
        dispute.escrow_released = True
        session.flush()
    return dispute


def _open_dispute_of(session: Session, claim: ContentClaim) -> ClaimDispute:
    dispute = repository.dispute_of(session, claim.id)
    if dispute is None:
        raise NotFound(f"claim {claim.id} has no dispute", field="claim_id")
    return dispute


def open_dispute(session: Session, principal: Principal, claim_id: str, *, reason: DisputeReason,
                 evidence: str, answer_days: int = DEFAULT_ANSWER_DAYS,
                 now: datetime | None = None) -> ClaimDispute:
    now = now or utcnow()
    claim, seats = visible_claim(session, principal, claim_id, for_update=True)
    uploader_side(seats)
    check_claim_open_for(ClaimStatus(claim.status), "disputed")
    if not evidence.strip() or len(evidence) > MAX_EVIDENCE_CHARS:
        raise ValidationFailed(f"evidence is 1 to {MAX_EVIDENCE_CHARS} characters",
                               field="evidence")
    if repository.dispute_of(session, claim.id) is not None:
        raise Conflict("this claim was already disputed", field="claim_id")
    dispute = repository.add(session, ClaimDispute(
        id=new_id("cdp"), claim_id=claim.id, reason=reason.value, evidence=evidence,
        status=DisputeStatus.AWAITING_OWNER.value, opened_by=principal.party_id,
        deadline=answer_deadline(now, answer_days), escrow_released=False, created_at=now,
        updated_at=now))
    log(session, principal, claim, acting_seat(seats, Seat.UPLOADER, Seat.PLATFORM), "disputed",
        f"{reason.value}: {evidence}")
    return dispute


def answer(session: Session, principal: Principal, claim_id: str, *, uphold: bool,
           note: str | None, answer_days: int = DEFAULT_ANSWER_DAYS,
           now: datetime | None = None) -> ClaimDispute:
    """The owner upholds its claim (with a note: why) or releases it."""
    now = now or utcnow()
    claim, _ = visible_claim(session, principal, claim_id, for_update=True)
    managing_owner(session, principal, claim)
    dispute = _open_dispute_of(session, claim)
    if lapse_if_due(session, claim, now):
        raise Conflict("the deadline to answer has passed: the dispute lapsed in the "
                       "uploader's favour", field="claim_id")
    if uphold and not (note and note.strip()):
        raise ValidationFailed("say why you uphold the claim", field="note")
    dispute.owner_note = note
    if uphold:
        _move(session, principal, claim, dispute, Step.UPHOLD, Seat.OWNER, now, note)
        dispute.deadline = answer_deadline(now, answer_days)  # now the uploader's to escalate
        session.flush()
        return dispute
    return _move(session, principal, claim, dispute, Step.RELEASE, Seat.OWNER, now, note)


def escalate(session: Session, principal: Principal, claim_id: str, note: str | None = None,
             now: datetime | None = None) -> ClaimDispute:
    """The uploader takes an upheld claim to the operator."""
    now = now or utcnow()
    claim, seats = visible_claim(session, principal, claim_id, for_update=True)
    uploader_side(seats)
    dispute = _open_dispute_of(session, claim)
    if lapse_if_due(session, claim, now):
        raise Conflict("the time to escalate has passed", field="claim_id")
    return _move(session, principal, claim, dispute, Step.ESCALATE,
                 acting_seat(seats, Seat.UPLOADER, Seat.PLATFORM), now, note)


def decide(session: Session, principal: Principal, claim_id: str, *, for_uploader: bool,
           note: str, now: datetime | None = None) -> ClaimDispute:
    """The operator decides an escalated dispute; the owner never decides its own case."""
    if not principal.is_operator:
        raise Forbidden("only the operator decides an escalated dispute", field="claim_id")
    now = now or utcnow()
    claim, _ = visible_claim(session, principal, claim_id, for_update=True)
    dispute = _open_dispute_of(session, claim)
    if not note.strip():
        raise ValidationFailed("give the reasons for the decision", field="note")
    dispute.decision_note = note
    step = Step.DECIDE_FOR_UPLOADER if for_uploader else Step.DECIDE_FOR_OWNER
    return _move(session, principal, claim, dispute, step, Seat.OPERATOR, now, note)


def lapse_if_due(session: Session, claim: ContentClaim, now: datetime) -> bool:
    """Lapse the claim's dispute if a side let its deadline pass; True if it did."""
    dispute = repository.dispute_of(session, claim.id)
    if dispute is None or not lapse_due(DisputeStatus(dispute.status), as_utc(dispute.deadline),
                                        now):
        return False
    _move(session, None, claim, dispute, Step.LAPSE, Seat.SYSTEM, now, "deadline passed")
    return True


def lapse_due_disputes(session: Session, now: datetime | None = None) -> list[str]:
    """The scheduled job: every dispute whose deadline passed; the claim ids it lapsed."""
    now = now or utcnow()
    done = []
    for dispute_id in repository.disputes_due(
            session, [DisputeStatus.AWAITING_OWNER.value, DisputeStatus.UPHELD.value], now):
        dispute = repository.dispute(session, dispute_id, for_update=True)
        claim = repository.claim(session, dispute.claim_id) if dispute else None
        if claim is not None and lapse_if_due(session, claim, now):
            done.append(claim.id)
    return done


def close_with_claim(session: Session, principal: Principal | None, claim: ContentClaim,
                     now: datetime) -> None:
    """The claim ended another way (withdrawn, licensed): an open dispute closes, and what it
    held goes to the uploader."""
    dispute = repository.dispute_of(session, claim.id)
    if dispute is not None and DisputeStatus(dispute.status) in OPEN_DISPUTES:
        _move(session, principal, claim, dispute, Step.CLOSE, Seat.SYSTEM, now)


def dispute_of(session: Session, principal: Principal, claim_id: str) -> ClaimDispute:
    claim, _ = visible_claim(session, principal, claim_id)
    lapse_if_due(session, claim, utcnow())
    return _open_dispute_of(session, claim)


def list_disputes(session: Session, principal: Principal, *, status: str | None, offset: int,
                  limit: int) -> tuple[Sequence[ClaimDispute], int]:
    """The operator: every dispute (status=escalated: the contested ones to decide); an owner or
    an uploader: disputes of claims on its works or against it."""
    statuses = [status] if status else None
    if principal.is_operator:
        return repository.page_of_disputes(session, claim_ids_of=None, statuses=statuses,
                                           offset=offset, limit=limit)
    work_ids = sorted(owner_service.work_ids_of_owner(session, principal)) \
        if principal.has(Role.OWNER) else None  # not an owner: only claims against it
    return repository.page_of_disputes(
        session, claim_ids_of=repository.claim_ids_for(work_ids, principal.party_id),
        statuses=statuses, offset=offset, limit=limit)
