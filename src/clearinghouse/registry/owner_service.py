"""An owner's own works: the ones it registered or holds rights in, with who holds what and the
ownership conflicts it may see. The owner's pages read them here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.errors import Forbidden
from clearinghouse.registry import repository, views
from clearinghouse.registry.holdings_service import may_see_conflict
from clearinghouse.registry.management import Managers, can_manage_work
from clearinghouse.registry.schemas import HoldingOut
from clearinghouse.registry.tables import OwnershipConflict, Work
from clearinghouse.registry.works_service import get_work


@dataclass(frozen=True)
class OwnedWork:
    work: Work
    holdings: list[HoldingOut]
    open_conflicts: list[OwnershipConflict]


def require_owner(principal: Principal) -> None:
    if not principal.has(Role.OWNER):
        raise Forbidden("only an owner has works here")


def _open_conflicts(session: Session, principal: Principal, work_id: str,
                    cache: dict[str, Managers]) -> list[OwnershipConflict]:
    return [c for c in repository.conflicts_of_work(session, work_id)
            if c.status == "open" and may_see_conflict(session, principal, c, cache)]


def _owned(session: Session, principal: Principal, works: Sequence[Work]) -> list[OwnedWork]:
    holdings = views.holdings_out(session, list(repository.holdings_of_works(session, [w.id for w in works])))
    cache: dict[str, Managers] = {}
    return [OwnedWork(w, [h for h in holdings if h.work_id == w.id],
                      _open_conflicts(session, principal, w.id, cache)) for w in works]


def works_of_owner(session: Session, principal: Principal, *, offset: int, limit: int
                   ) -> tuple[list[OwnedWork], int]:
    """The owner's works, newest first, each with its accepted holdings and open conflicts."""
    require_owner(principal)
    works, total = repository.page_of_works_of_party(session, principal.party_id, offset=offset, limit=limit)
    return _owned(session, principal, works), total


def owned_work(session: Session, principal: Principal, work_id: str) -> OwnedWork:
    """One of the owner's works; another's is refused as changing it through the API would be."""
    require_owner(principal)
    work = get_work(session, work_id)
    holds = any(h.holder_id == principal.party_id for h in repository.holdings_of_work(session, work.id))
    if not holds and not can_manage_work(session, principal, work):
        raise Forbidden(f"work {work.id} is not one of yours", field="work_id")
    return _owned(session, principal, [work])[0]
