"""SQL of owner applications (sign-ups waiting for the operator) and owner invitations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from clearinghouse.accounts.tables import OwnerApplication, OwnerInvitation
from clearinghouse.registry.tables import Party


def application_of_party(session: Session, party_id: str) -> OwnerApplication | None:
    return session.scalars(select(OwnerApplication).where(OwnerApplication.party_id == party_id)).first()


def get_application(session: Session, application_id: str, *, for_update: bool = False
                    ) -> OwnerApplication | None:
    query = select(OwnerApplication).where(OwnerApplication.id == application_id)
    return session.scalars(query.with_for_update() if for_update else query).first()


def page_of_applications(session: Session, status: str, *, offset: int, limit: int
                         ) -> tuple[Sequence[tuple[OwnerApplication, Party]], int]:
    query = (select(OwnerApplication, Party).join(Party, Party.id == OwnerApplication.party_id)
             .where(OwnerApplication.status == status))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(OwnerApplication.requested_at, OwnerApplication.id)
                           .offset(offset).limit(limit))
    return [(application, party) for application, party in rows], total


def invitation_by_token_hash(session: Session, token_hash: str) -> OwnerInvitation | None:
    return session.scalars(select(OwnerInvitation).where(OwnerInvitation.token_hash == token_hash)).first()


def open_invitations(session: Session, now: datetime, limit: int) -> Sequence[tuple[OwnerInvitation, Party]]:
    rows = session.execute(
        select(OwnerInvitation, Party).join(Party, Party.id == OwnerInvitation.party_id)
        .where(OwnerInvitation.used_at.is_(None), OwnerInvitation.expires_at > now)
        .order_by(OwnerInvitation.created_at.desc()).limit(limit))
    return [(invitation, party) for invitation, party in rows]


def use_invitation(session: Session, invitation_id: str, now: datetime) -> bool:
    """Marks it used unless it already was: one statement, so two tabs cannot both use it."""
    result = session.execute(update(OwnerInvitation)
                             .where(OwnerInvitation.id == invitation_id, OwnerInvitation.used_at.is_(None))
                             .values(used_at=now))
    return bool(getattr(result, "rowcount", 0))

