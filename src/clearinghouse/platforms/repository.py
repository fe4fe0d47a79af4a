"""All SQL of the platform list."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clearinghouse.platforms.tables import PlatformRow


def fingerprint(session: Session) -> tuple[int, str | None]:
    """Changes whenever the list does: every change touches a platform row's `updated_at`."""
    count, latest = session.execute(
        select(func.count(PlatformRow.code), func.max(PlatformRow.updated_at))
    ).one()
    return int(count), None if latest is None else str(latest)


def all_platforms(session: Session) -> Sequence[PlatformRow]:
    return session.scalars(select(PlatformRow).order_by(PlatformRow.code)).all()


def get(session: Session, code: str, *, for_update: bool = False) -> PlatformRow | None:
    query = select(PlatformRow).where(PlatformRow.code == code)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def add(session: Session, row: PlatformRow) -> None:
    session.add(row)
    session.flush()


def codes_of_party(session: Session, party_id: str) -> list[str]:
    """The platforms a party runs (their `party_id` link), by code."""
    return list(session.scalars(select(PlatformRow.code).where(PlatformRow.party_id == party_id)
                                .order_by(PlatformRow.code)))
