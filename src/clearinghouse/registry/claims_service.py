"""Claims: holdings registered on a work the claimant does not manage, and the decision on them.

A claim grants nothing while pending: quotes, offers, search and the work's management ignore it.
A manager of the work (within the claimed rights) or the operator accepts it, which makes it an
ordinary accepted holding, or rejects it; either closes the conflict the claim opened.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed
from clearinghouse.core.versioning import check_version
from clearinghouse.registry import repository
from clearinghouse.registry.domain import HoldingStatus
from clearinghouse.registry.holdings_service import refresh_conflicts
from clearinghouse.registry.management import Managers, managers_of
from clearinghouse.registry.schemas import ClaimAccept, ClaimReject
from clearinghouse.registry.tables import Holding
from clearinghouse.registry.works_service import get_work

CLAIMS = (HoldingStatus.PENDING.value, HoldingStatus.REJECTED.value)


def may_see(principal: Principal | None, holding: Holding, managers: Managers) -> bool:
    """Accepted and withdrawn holdings are public; a claim shows to its claimant (and agents),
    the managers of the work and the operator."""
    if holding.status not in CLAIMS:
        return True
    if principal is None:
        return False
    return (principal.acts_for(holding.holder_id, holding.rights)
            or principal.party_id == holding.warranted_by
            or managers.within(principal, holding.rights))


def visible_holding(session: Session, principal: Principal | None, holding_id: str) -> Holding:
    """A holding the caller may see; a claim hidden from them is not found, as if absent."""
    holding = repository.get_holding(session, holding_id)
    if holding is None or not may_see(principal, holding,
                                      managers_of(session, get_work(session, holding.work_id))):
        raise NotFound(f"holding {holding_id} not found", field="holding_id")
    return holding


def holdings_of_work(session: Session, principal: Principal | None, work_id: str, *,
                     include_withdrawn: bool, include_claims: bool) -> list[Holding]:
    work = get_work(session, work_id)
    statuses = [HoldingStatus.ACTIVE.value]
    statuses += [HoldingStatus.WITHDRAWN.value] if include_withdrawn else []
    statuses += list(CLAIMS) if include_claims else []
    managers = managers_of(session, work)
    return [h for h in repository.holdings_of_work(session, work_id, statuses=statuses)
            if may_see(principal, h, managers)]


def _pending(session: Session, principal: Principal, holding_id: str) -> tuple[Holding, Managers]:
    """The claim, locked with its work (holding changes on one work are serialised), once the
    caller is shown to be one who decides it."""
    found = repository.get_holding(session, holding_id)
    if found is None:
        raise NotFound(f"holding {holding_id} not found", field="holding_id")
    work = get_work(session, found.work_id, for_update=True)
    holding = repository.get_holding(session, holding_id, for_update=True)
    assert holding is not None  # holdings are never deleted
    managers = managers_of(session, work)
    if not may_see(principal, holding, managers):
        raise NotFound(f"holding {holding_id} not found", field="holding_id")
    if not principal.is_operator and principal.acts_for(holding.holder_id):
        raise Forbidden("a claimant does not decide its own claim: the work's managers or the "
                        "operator do", field="holding_id")
    if not managers.within(principal, holding.rights):
        raise Forbidden(f"only the managers of work {work.id} (within {', '.join(holding.rights)}) "
                        "or the operator decide this claim", field="holding_id")
    if holding.status != HoldingStatus.PENDING:
        raise ValidationFailed(f"this holding is {holding.status}, not a pending claim",
                               field="status")
    return holding, managers


def _decide(session: Session, principal: Principal, holding: Holding, status: HoldingStatus,
            note: str | None, manages_work: bool = False) -> Holding:
    before = snapshot(holding)
    holding.status, holding.manages_work = status.value, manages_work
    holding.touch()
    session.flush()
    action = "holding.accept" if status == HoldingStatus.ACTIVE else "holding.reject"
    record(session, principal, action, "holding", holding.id, before,
           snapshot(holding) | {"note": note})
    refresh_conflicts(session, holding.work_id, principal,
                      note=f"by {principal.party_id}" + (f": {note}" if note else ""))
    return holding


def accept_claim(session: Session, principal: Principal, holding_id: str, data: ClaimAccept,
                 version: int | None) -> Holding:
    """The claim becomes an accepted holding; it manages the work only if the decider says so
    and may manage the whole work itself."""
    holding, managers = _pending(session, principal, holding_id)
    if data.manages_work and not managers.manages(principal):
        raise Forbidden("only one who manages the whole work may share its management",
                        field="manages_work")
    check_version(holding.version, version if version is not None else data.version)
    return _decide(session, principal, holding, HoldingStatus.ACTIVE, data.note, data.manages_work)


def reject_claim(session: Session, principal: Principal, holding_id: str, data: ClaimReject,
                 version: int | None) -> Holding:
    holding, _ = _pending(session, principal, holding_id)
    check_version(holding.version, version if version is not None else data.version)
    return _decide(session, principal, holding, HoldingStatus.REJECTED, data.note)


def pending_claims(session: Session, principal: Principal, work_id: str) -> Sequence[Holding]:
    """The claims on a work awaiting a decision, as its managers (or the claimants) see them."""
    return [h for h in holdings_of_work(session, principal, work_id, include_withdrawn=False,
                                        include_claims=True)
            if h.status == HoldingStatus.PENDING]
