"""Usage claims: an owner (or its agent, within its mandate) claims an unmatched item as one of
its works; the operator accepts or rejects it; the claimant may withdraw it while pending.

A claim brings no right: the claimant must already hold the work (an accepted holding) or manage
it. Accepting one records the item's identifier (or title) as an alias of the work, which the
next run of any open period matches by; the other pending claims on that item, or on the same
alias for another work, are rejected as `claimed_by_another`. Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core import audit
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.registry import repository as registry
from clearinghouse.registry.management import managers_of
from clearinghouse.royalties import runs_repository
from clearinghouse.royalties.claims import repository, unmatched_items
from clearinghouse.royalties.claims.domain import (
    ClaimStatus,
    Item,
    RejectReason,
    alias_of,
    require_pending,
    require_reason,
)
from clearinghouse.royalties.claims.schemas import ClaimCreate, ClaimDecision
from clearinghouse.royalties.claims.tables import UsageClaim
from clearinghouse.royalties.periods import CLOSED
from clearinghouse.usage.lake import Lake

ENTITY = "usage_claim"


@dataclass(frozen=True)
class Decided:
    claim: UsageClaim
    rejected: list[str] = field(default_factory=list)  # ids of rivals rejected
    period_closed: bool = False
    rerun_needed: bool = False


def require_claimant_role(principal: Principal) -> None:
    if not principal.has(Role.OWNER, Role.AGENT):
        raise Forbidden("only an owner (or its agent) claims usage")


def _require_holds(session: Session, party_id: str, work_id: str) -> None:
    """The party holds the work through an accepted holding, or manages it (its registrant)."""
    work = registry.get_work(session, work_id)
    if work is None:
        raise NotFound(f"work {work_id} not found", field="work_id")
    holds = any(h.holder_id == party_id for h in registry.holdings_of_work(session, work.id))
    if not holds and party_id not in managers_of(session, work).parties:
        raise Forbidden(f"work {work.id} is not one you hold or manage: a claim cannot bring a "
                        "right you do not hold", field="work_id")


def create_claim(session: Session, principal: Principal, lake: Lake,
                 body: ClaimCreate) -> UsageClaim:
    require_claimant_role(principal)
    claimant = body.party_id or principal.party_id
    if principal.is_operator or not principal.acts_for(claimant):
        raise Forbidden(f"you may not claim for party {claimant}", field="party_id")
    item = Item(body.period, body.reason, body.identifier, body.title)
    alias = alias_of(item)
    _require_holds(session, claimant, body.work_id)
    if not unmatched_items.exists(lake, item):
        raise ValidationFailed(f"the unmatched report of {item.period} has no such item",
                               field="identifier")
    existing = repository.pending_claim_of(session, claimant, item)
    if existing is not None:
        raise Conflict(f"claim {existing.id} on this item is already pending",
                       details={"existing_claim_id": existing.id})
    claim = repository.add(session, UsageClaim(
        id=new_id("ucl"), claimant_id=claimant, filed_by_id=principal.party_id,
        work_id=body.work_id, period=item.period, reason=item.reason, identifier=item.identifier,
        title=item.title, alias_scheme=alias.scheme, alias_value=alias.value,
        evidence=body.evidence, evidence_file=body.evidence_file,
        status=ClaimStatus.PENDING.value, created_at=utcnow()))
    audit.record(session, principal, "usage_claim.create", ENTITY, claim.id,
                 after=audit.snapshot(claim))
    return claim


def _may_see(principal: Principal, claim: UsageClaim) -> bool:
    return (principal.is_operator or claim.filed_by_id == principal.party_id
            or principal.acts_for(claim.claimant_id))


def get_claim(session: Session, principal: Principal, claim_id: str) -> UsageClaim:
    """A claim its claimant, its filer or the operator may see; to anyone else it does not exist."""
    claim = repository.get(session, claim_id)
    if claim is None or not _may_see(principal, claim):
        raise NotFound(f"usage claim {claim_id} not found", field="claim_id")
    return claim


def list_claims(session: Session, principal: Principal, *, status: str | None, offset: int,
                limit: int) -> tuple[list[UsageClaim], int]:
    """The operator sees every claim (by status); an owner or agent its own."""
    if principal.is_operator:
        rows, total = repository.page(session, party_id=None, status=status, offset=offset,
                                      limit=limit)
    else:
        require_claimant_role(principal)
        rows, total = repository.page(session, party_id=principal.party_id, status=status,
                                      offset=offset, limit=limit)
    return list(rows), total


def withdraw(session: Session, principal: Principal, claim_id: str) -> UsageClaim:
    claim = get_claim(session, principal, claim_id)
    if principal.is_operator and claim.filed_by_id != principal.party_id:
        raise Forbidden("only the claimant withdraws a claim; the operator rejects it")
    require_pending(claim.status, claim.id)
    before = audit.snapshot(claim)
    claim.status = ClaimStatus.WITHDRAWN.value
    claim.decided_at, claim.decided_by_id = utcnow(), principal.party_id
    session.flush()
    audit.record(session, principal, "usage_claim.withdraw", ENTITY, claim.id, before=before,
                 after=audit.snapshot(claim))
    return claim


def _close(session: Session, principal: Principal, claim: UsageClaim, status: ClaimStatus,
           reason: str | None, note: str | None) -> None:
    before = audit.snapshot(claim)
    claim.status = status.value
    claim.decided_at, claim.decided_by_id = utcnow(), principal.party_id
    claim.decision_reason, claim.decision_note = reason, note
    session.flush()
    audit.record(session, principal, f"usage_claim.{status.value}", ENTITY, claim.id,
                 before=before, after=audit.snapshot(claim))


def decide(session: Session, principal: Principal, claim_id: str,
           body: ClaimDecision) -> Decided:
    """Operator: accept (the alias takes effect from the next run) or reject with a reason."""
    if not principal.is_operator:
        raise Forbidden("only the operator decides usage claims")
    claim = get_claim(session, principal, claim_id)
    require_pending(claim.status, claim.id)
    if body.decision == "reject":
        reason = require_reason(body.reason, body.note)
        _close(session, principal, claim, ClaimStatus.REJECTED, reason, body.note)
        return Decided(claim)
    standing = repository.accepted_on_alias(session, claim.alias_scheme, claim.alias_value)
    if standing is not None and standing.work_id != claim.work_id:
        raise Conflict(f"{claim.alias_scheme}:{claim.alias_value} is already an alias of work "
                       f"{standing.work_id} (claim {standing.id})",
                       details={"existing_claim_id": standing.id})
    _close(session, principal, claim, ClaimStatus.ACCEPTED, None, body.note)
    rejected = []
    for rival in repository.rivals(session, claim):
        _close(session, principal, rival, ClaimStatus.REJECTED,
               RejectReason.CLAIMED_BY_ANOTHER.value, f"claim {claim.id} was accepted")
        rejected.append(rival.id)
    period = runs_repository.period_row(session, claim.period)
    closed = period is not None and period.status == CLOSED
    return Decided(claim, rejected, period_closed=closed, rerun_needed=not closed)
