"""Who manages a work: edits its details, identifiers, relations and file, and decides claims on it.

The managing parties are the registrant and the holders of accepted holdings that manage the work
(`manages_work`) and have not ended. An agent acts as one of them only within its mandate: a
mandate for every right to manage the whole work, a mandate for some rights to register holdings
and decide claims in those rights. The operator manages every work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden
from clearinghouse.registry import repository
from clearinghouse.registry.domain import ALL_RIGHTS
from clearinghouse.registry.tables import Work


@dataclass(frozen=True)
class Managers:
    work_id: str
    parties: frozenset[str]

    def within(self, principal: Principal, rights: Iterable[str]) -> bool:
        """The caller is a managing party, the operator, or an agent of one for these rights."""
        if principal.is_operator or principal.party_id in self.parties:
            return True
        wanted = list(rights)
        return any(principal.acts_for(party, wanted) for party in self.parties)

    def manages(self, principal: Principal) -> bool:
        """The whole work: a managing party, the operator, or an agent for every right of one."""
        return self.within(principal, ALL_RIGHTS)


def managers_of(session: Session, work: Work) -> Managers:
    holders = repository.managing_holders(session, work.id, utcnow().date())
    return Managers(work.id, frozenset({work.registrant_id, *holders}))


def can_manage_work(session: Session, principal: Principal, work: Work) -> bool:
    return managers_of(session, work).manages(principal)


def require_manage(session: Session, principal: Principal, work: Work) -> None:
    if not can_manage_work(session, principal, work):
        raise Forbidden(
            f"you may not change work {work.id}: only its registrant, holders who manage it, "
            "their agents (with a mandate for every right) and the operator may"
        )
