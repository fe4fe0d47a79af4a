"""Whether a royalty period is closed: a closed period takes no run and no new usage report
(usage asks through `core.period_locks`, wired in `clearinghouse.wiring`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from clearinghouse.core.errors import Conflict
from clearinghouse.royalties import runs_repository

OPEN, CLOSED = "open", "closed"


def refuse_if_closed(session: Session, period: str) -> None:
    row = runs_repository.period_row(session, period)
    if row is not None and row.status == CLOSED:
        raise Conflict(f"period {period} is closed: its statements are final", field="period")
