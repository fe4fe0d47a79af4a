"""SQL of reference media."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearinghouse.identification.references.tables import MediaReference
from clearinghouse.registry.tables import Work


def get(session: Session, reference_id: int) -> MediaReference | None:
    return session.get(MediaReference, reference_id)


def by_work_and_hash(session: Session, work_id: str, sha256: str) -> MediaReference | None:
    return session.scalars(select(MediaReference).where(
        MediaReference.work_id == work_id, MediaReference.sha256 == sha256)).first()


def of_work(session: Session, work_id: str) -> list[MediaReference]:
    return list(session.scalars(select(MediaReference).where(MediaReference.work_id == work_id)
                                .order_by(MediaReference.id)))


def of_works(session: Session, work_ids: Sequence[str], *, limit: int) -> list[MediaReference]:
    return list(session.scalars(select(MediaReference)
                                .where(MediaReference.work_id.in_(list(work_ids)))
                                .order_by(MediaReference.id).limit(limit)))


def add(session: Session, reference: MediaReference) -> MediaReference:
    session.add(reference)
    session.flush()
    return reference


def delete(session: Session, reference: MediaReference) -> None:
    session.delete(reference)
    session.flush()


def works_of(session: Session, reference_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """reference id -> (work id, work title) for the references that still exist."""
    if not reference_ids:
        return {}
    rows = session.execute(select(MediaReference.id, Work.id, Work.title)
                           .join(Work, Work.id == MediaReference.work_id)
                           .where(MediaReference.id.in_(list(reference_ids))))
    return {ref_id: (work_id, title) for ref_id, work_id, title in rows}


def every(session: Session, *, limit: int) -> list[MediaReference]:
    return list(session.scalars(select(MediaReference).order_by(MediaReference.id).limit(limit)))
