"""SQL for posted payouts (`royalty_payouts`): add, find (locked for marking sent), list."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clearinghouse.royalties.tables import RoyaltyPayout

DUE, SENT = "due", "sent"


def add(session: Session, payout: RoyaltyPayout) -> RoyaltyPayout:
    session.add(payout)
    session.flush()
    return payout


def get(session: Session, payout_id: str, *, for_update: bool = False) -> RoyaltyPayout | None:
    query = select(RoyaltyPayout).where(RoyaltyPayout.id == payout_id)
    return session.scalars(query.with_for_update() if for_update else query).first()


def page(session: Session, *, party_id: str | None = None, period: str | None = None,
         status: str | None = None, offset: int = 0, limit: int = 50
         ) -> tuple[Sequence[RoyaltyPayout], int]:
    """Newest period first; and how many match in all."""
    query = select(RoyaltyPayout)
    if party_id is not None:
        query = query.where(RoyaltyPayout.party_id == party_id)
    if period is not None:
        query = query.where(RoyaltyPayout.period == period)
    if status == DUE:
        query = query.where(RoyaltyPayout.sent_at.is_(None))
    elif status == SENT:
        query = query.where(RoyaltyPayout.sent_at.is_not(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(RoyaltyPayout.period.desc(), RoyaltyPayout.created_at,
                                          RoyaltyPayout.id).offset(offset).limit(limit)).all()
    return rows, total
