"""An owner's own works: the ones it registered or holds rights in, with who holds what and the
ownership conflicts it may see. The owner's pages read them here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.errors import Forbidden
from clearinghouse.registry import repository, views
from clearinghouse.registry.claims_service import may_see
from clearinghouse.registry.domain import HoldingStatus
from clearinghouse.registry.holdings_service import list_conflicts, may_see_conflict
from clearinghouse.registry.management import Managers, can_manage_work, managers_of
from clearinghouse.registry.schemas import HoldingOut
from clearinghouse.registry.tables import OwnershipConflict, Party, Work
from clearinghouse.registry.works_service import get_work


@dataclass(frozen=True)
class OwnedWork:
    work: Work
    holdings: list[HoldingOut]
    open_conflicts: list[OwnershipConflict]


def require_owner(principal: Principal) -> None:
    if not principal.has(Role.OWNER):
        raise Forbidden("only an owner has works here")


def _owned(session: Session, principal: Principal, works: Sequence[Work]) -> list[OwnedWork]:
    """The page's works with their holdings and the open conflicts the owner may see, read in one
    statement each for the whole page (a statement per work made a long list slow)."""
    work_ids = [w.id for w in works]
    holdings = views.holdings_out(session, list(repository.holdings_of_works(session, work_ids)))
    cache: dict[str, Managers] = {}
    conflicts = [c for c in repository.open_conflicts_of_works(session, work_ids)
                 if may_see_conflict(session, principal, c, cache)]
    return [OwnedWork(w, [h for h in holdings if h.work_id == w.id],
                      [c for c in conflicts if c.work_id == w.id]) for w in works]


def works_of_owner(session: Session, principal: Principal, *, offset: int, limit: int
                   ) -> tuple[list[OwnedWork], int]:
    """The owner's works, newest first, each with its accepted holdings and open conflicts."""
    require_owner(principal)
    works, total = repository.page_of_works_of_party(session, principal.party_id, offset=offset, limit=limit)
    return _owned(session, principal, works), total


def work_ids_of_owner(session: Session, principal: Principal) -> set[str]:
    """The ids of all the owner's works (the rule of works_of_owner), e.g. to pick its own rows
    out of a report that covers everyone's."""
    require_owner(principal)
    return repository.work_ids_of_party(session, principal.party_id)


def owned_work(session: Session, principal: Principal, work_id: str) -> OwnedWork:
    """One of the owner's works; another's is refused as changing it through the API would be."""
    require_owner(principal)
    work = get_work(session, work_id)
    holds = any(h.holder_id == principal.party_id for h in repository.holdings_of_work(session, work.id))
    if not holds and not can_manage_work(session, principal, work):
        raise Forbidden(f"work {work.id} is not one of yours", field="work_id")
    return _owned(session, principal, [work])[0]


def holdings_of_owner(session: Session, principal: Principal, *, offset: int, limit: int
                      ) -> tuple[list[HoldingOut], dict[str, Work], int]:
    """The owner's own holdings, claims awaiting a decision and refused ones too, newest first."""
    require_owner(principal)
    rows, total = repository.page_of_holdings_of_holder(session, principal.party_id, offset=offset, limit=limit)
    works = repository.works_by_ids(session, sorted({h.work_id for h in rows}))
    return views.holdings_out(session, list(rows)), works, total


@dataclass(frozen=True)
class OwnerConflict:
    conflict: OwnershipConflict
    work: Work
    parties: list[Party]
    claim: HoldingOut | None  # for a claim: the pending holding
    decides: bool  # the owner may accept or refuse the claim (it manages the work for that right)


def conflicts_of_owner(session: Session, principal: Principal, *, limit: int) -> list[OwnerConflict]:
    """The open conflicts the owner may see (its own holdings, or claims on works it manages)."""
    require_owner(principal)
    rows, _ = list_conflicts(session, principal, "open", 0, limit)
    works = repository.works_by_ids(session, sorted({c.work_id for c in rows}))
    out: list[OwnerConflict] = []
    for row in rows:
        work = works[row.work_id]
        parties = [p for p in (repository.get_party(session, pid) for pid in row.party_ids) if p is not None]
        claim, decides = None, False
        if row.kind == "claim":
            holding = repository.get_holding(session, row.holding_ids[0])
            if holding is not None and holding.status == HoldingStatus.PENDING:
                managers = managers_of(session, work)
                claim = views.holdings_out(session, [holding])[0] if may_see(principal, holding, managers) else None
                # The claims service's own rule: a manager within the rights, never the claimant.
                decides = (claim is not None and not principal.acts_for(holding.holder_id)
                           and managers.within(principal, holding.rights))
        out.append(OwnerConflict(row, work, parties, claim, decides))
    return out
