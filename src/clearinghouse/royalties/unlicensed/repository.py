"""All SQL of offers and claims on unlicensed use."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from clearinghouse.royalties.unlicensed.tables import UnlicensedAction


def add(session: Session, action: UnlicensedAction) -> UnlicensedAction:
    session.add(action)
    session.flush()
    return action


def get(session: Session, action_id: str) -> UnlicensedAction | None:
    return session.get(UnlicensedAction, action_id)


def page_for_party(session: Session, party_id: str, *, offset: int, limit: int
                   ) -> tuple[Sequence[UnlicensedAction], int]:
    """The actions a party took as owner or that are addressed to it, newest first."""
    mine = or_(UnlicensedAction.holder_id == party_id, UnlicensedAction.user_id == party_id)
    total = session.scalar(select(func.count()).select_from(UnlicensedAction).where(mine)) or 0
    rows = session.scalars(select(UnlicensedAction).where(mine)
                           .order_by(UnlicensedAction.created_at.desc(), UnlicensedAction.id)
                           .offset(offset).limit(limit)).all()
    return rows, total


def open_claims_on(session: Session, *, work_id: str, user_id: str, period: str,
                   channel: str | None, territory: str, statuses: Sequence[str]
                   ) -> Sequence[UnlicensedAction]:
    """Claims on one use still waiting to be settled."""
    channel_is = UnlicensedAction.channel.is_(None) if channel is None else \
        UnlicensedAction.channel == channel
    return session.scalars(select(UnlicensedAction).where(
        UnlicensedAction.kind == "claim", UnlicensedAction.work_id == work_id,
        UnlicensedAction.user_id == user_id, UnlicensedAction.period == period,
        UnlicensedAction.territory == territory, channel_is,
        UnlicensedAction.status.in_(tuple(statuses))).order_by(UnlicensedAction.id)).all()
