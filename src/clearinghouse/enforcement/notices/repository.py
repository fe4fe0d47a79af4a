"""All SQL of notice records."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from clearinghouse.enforcement.notices.tables import EnforcementNotice

MAX_LISTED = 500


def add(session: Session, row: EnforcementNotice) -> None:
    session.add(row)
    session.flush()


def get(session: Session, notice_id: str) -> EnforcementNotice | None:
    return session.get(EnforcementNotice, notice_id)


def visible_to(session: Session, party_ids: Sequence[str] | None, *, as_platform: bool | None = None,
               limit: int = MAX_LISTED) -> Sequence[EnforcementNotice]:
    """Newest first. `party_ids` None: every notice (the operator); else those sent to these
    platforms or on these owners' behalf (`as_platform` True/False narrows to one side)."""
    query = select(EnforcementNotice)
    if party_ids is not None:
        to_platform = EnforcementNotice.platform_party_id.in_(party_ids)
        for_owner = EnforcementNotice.owner_party_id.in_(party_ids)
        query = query.where(to_platform if as_platform else for_owner if as_platform is False
                            else or_(to_platform, for_owner))
    return session.scalars(query.order_by(EnforcementNotice.created_at.desc(),
                                          EnforcementNotice.id.desc()).limit(limit)).all()
