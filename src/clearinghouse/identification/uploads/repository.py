"""SQL of identification runs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearinghouse.identification.uploads.tables import UploadCheck


def add(session: Session, row: UploadCheck) -> UploadCheck:
    session.add(row)
    session.flush()
    return row


def get(session: Session, check_id: str) -> UploadCheck | None:
    return session.get(UploadCheck, check_id)


def recent_of(session: Session, party_id: str, *, limit: int) -> list[UploadCheck]:
    return list(session.scalars(select(UploadCheck)
                                .where(UploadCheck.requested_by_id == party_id)
                                .order_by(UploadCheck.created_at.desc()).limit(limit)))
