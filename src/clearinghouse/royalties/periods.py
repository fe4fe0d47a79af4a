"""Whether a royalty period is closed: a closed period takes no run and no new usage report.
Kept apart from the runs service so usage submission can ask without loading the pipeline."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearinghouse.core.errors import Conflict
from clearinghouse.royalties.tables import RoyaltyPeriod

OPEN, CLOSED = "open", "closed"


def refuse_if_closed(session: Session, period: str) -> None:
    status = session.scalar(select(RoyaltyPeriod.status).where(RoyaltyPeriod.period == period))
    if status == CLOSED:
        raise Conflict(f"period {period} is closed: its statements are final", field="period")
