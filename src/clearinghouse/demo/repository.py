"""SQL of the demo: how much of the market is loaded."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clearinghouse.licensing.licenses import grants_repository
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.registry.tables import Holding, OwnershipConflict, Party, Work


def market_counts(session: Session) -> dict[str, int]:
    """Parties, works, holdings and open ownership conflicts in the database."""
    def count(model: Any, *where: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {"parties": count(Party), "works": count(Work), "holdings": count(Holding),
            "open_conflicts": count(OwnershipConflict, OwnershipConflict.status == "open")}


def party_by_email(session: Session, email: str) -> str | None:
    """The id of the demo party with this contact email (demo parties each have their own)."""
    return session.scalars(select(Party.id).where(Party.email == email).order_by(Party.created_at)).first()


def date_licence(session: Session, license_id: str, valid_from: date, valid_to: date) -> None:
    """Move a demo licence to the example month (docs/demo.md says why), grants included."""
    lic = session.get(License, license_id)
    assert lic is not None, license_id
    lic.valid_from, lic.valid_to = valid_from, valid_to
    lic.use = lic.use | {"start": valid_from.isoformat()}
    grants_repository.set_period(session, license_id, valid_from, valid_to)
    session.flush()
