"""All SQL of enforcement: policies, claims, disputes and their history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from clearinghouse.enforcement.tables import ClaimDispute, ClaimEvent, ContentClaim, EnforcementPolicy
from clearinghouse.registry.tables import Work, WorkType

T = TypeVar("T")


def add(session: Session, row: T) -> T:
    session.add(row)
    session.flush()
    return row


# -- policies ------------------------------------------------------------------------------------


def policy_rows(session: Session, owner_id: str, work_ids: Sequence[str]
                ) -> Sequence[EnforcementPolicy]:
    """The owner's default rows and every row on these works (whoever set them)."""
    return session.scalars(select(EnforcementPolicy).where(or_(
        (EnforcementPolicy.owner_id == owner_id) & EnforcementPolicy.work_id.is_(None),
        EnforcementPolicy.work_id.in_(list(work_ids)))).order_by(EnforcementPolicy.id)).all()


def policy_at(session: Session, owner_id: str, work_id: str | None, territory: str | None
              ) -> EnforcementPolicy | None:
    def same(column: Any, value: str | None) -> ColumnElement[bool]:
        found: ColumnElement[bool] = column.is_(None) if value is None else column == value
        return found
    return session.scalars(select(EnforcementPolicy).where(
        EnforcementPolicy.owner_id == owner_id, same(EnforcementPolicy.work_id, work_id),
        same(EnforcementPolicy.territory, territory))).first()


def policies_of_owner(session: Session, owner_id: str, work_ids: Sequence[str]
                      ) -> Sequence[EnforcementPolicy]:
    """Rows the owner set, and rows on works it manages."""
    return session.scalars(select(EnforcementPolicy).where(or_(
        EnforcementPolicy.owner_id == owner_id, EnforcementPolicy.work_id.in_(list(work_ids))))
        .order_by(EnforcementPolicy.work_id, EnforcementPolicy.territory)).all()


def delete(session: Session, row: Any) -> None:
    session.delete(row)
    session.flush()


# -- works ---------------------------------------------------------------------------------------


def work_category(session: Session, work_id: str) -> tuple[str, str] | None:
    """(registrant id, category) of a work, None if there is none."""
    row = session.execute(select(Work.registrant_id, WorkType.category)
                          .join(WorkType, WorkType.code == Work.type_code)
                          .where(Work.id == work_id)).first()
    return None if row is None else (row[0], row[1])


# -- claims --------------------------------------------------------------------------------------


def claim(session: Session, claim_id: str, *, for_update: bool = False) -> ContentClaim | None:
    if for_update:
        return session.scalars(select(ContentClaim).where(ContentClaim.id == claim_id)
                               .with_for_update()).first()
    return session.get(ContentClaim, claim_id)


def claim_of_upload(session: Session, upload_ref: str, platform_key: str, work_id: str
                    ) -> ContentClaim | None:
    return session.scalars(select(ContentClaim).where(
        ContentClaim.upload_ref == upload_ref, ContentClaim.platform_key == platform_key,
        ContentClaim.work_id == work_id)).first()


def claim_of_quote(session: Session, quote_id: str) -> ContentClaim | None:
    return session.scalars(select(ContentClaim).where(ContentClaim.quote_id == quote_id)).first()


def page_of_claims(session: Session, *, work_ids: Sequence[str] | None, party_id: str | None,
                   status: str | None, offset: int, limit: int
                   ) -> tuple[Sequence[ContentClaim], int]:
    """Claims on these works or against this party (uploader or platform), newest first; both
    None: every claim (the operator)."""
    where: list[Any] = []
    sides: list[ColumnElement[bool]] = []
    if work_ids is not None:
        sides.append(ContentClaim.work_id.in_(list(work_ids)))
    if party_id is not None:
        sides += [ContentClaim.uploader_id == party_id, ContentClaim.platform_id == party_id]
    if sides:
        where.append(or_(*sides))
    if status is not None:
        where.append(ContentClaim.status == status)
    total = session.scalar(select(func.count()).select_from(ContentClaim).where(*where)) or 0
    rows = session.scalars(select(ContentClaim).where(*where)
                           .order_by(ContentClaim.created_at.desc(), ContentClaim.id.desc())
                           .offset(offset).limit(limit)).all()
    return rows, total


# -- disputes and history ------------------------------------------------------------------------


def dispute_of(session: Session, claim_id: str) -> ClaimDispute | None:
    return session.scalars(select(ClaimDispute).where(ClaimDispute.claim_id == claim_id)).first()


def disputes_of(session: Session, claim_ids: Sequence[str]) -> dict[str, ClaimDispute]:
    if not claim_ids:
        return {}
    rows = session.scalars(select(ClaimDispute).where(ClaimDispute.claim_id.in_(list(claim_ids))))
    return {d.claim_id: d for d in rows}


def page_of_disputes(session: Session, *, claim_ids_of: Any, statuses: Sequence[str] | None,
                     offset: int, limit: int) -> tuple[Sequence[ClaimDispute], int]:
    """Disputes whose claim is in the `claim_ids_of` subquery (None: all), newest first."""
    where: list[Any] = []
    if claim_ids_of is not None:
        where.append(ClaimDispute.claim_id.in_(claim_ids_of))
    if statuses:
        where.append(ClaimDispute.status.in_(list(statuses)))
    total = session.scalar(select(func.count()).select_from(ClaimDispute).where(*where)) or 0
    rows = session.scalars(select(ClaimDispute).where(*where)
                           .order_by(ClaimDispute.created_at.desc(), ClaimDispute.id.desc())
                           .offset(offset).limit(limit)).all()
    return rows, total


def claim_ids_for(work_ids: Sequence[str] | None, party_id: str | None) -> Any:
    """A subquery of claim ids on these works or against this party."""
    sides: list[ColumnElement[bool]] = []
    if work_ids is not None:
        sides.append(ContentClaim.work_id.in_(list(work_ids)))
    if party_id is not None:
        sides += [ContentClaim.uploader_id == party_id, ContentClaim.platform_id == party_id]
    return select(ContentClaim.id).where(or_(*sides))


def disputes_due(session: Session, statuses: Sequence[str], now: datetime) -> Sequence[str]:
    """Ids of disputes waiting on a side past their deadline."""
    return session.scalars(select(ClaimDispute.id).where(
        ClaimDispute.status.in_(list(statuses)), ClaimDispute.deadline <= now)
        .order_by(ClaimDispute.deadline)).all()


def dispute(session: Session, dispute_id: str, *, for_update: bool = False
            ) -> ClaimDispute | None:
    query = select(ClaimDispute).where(ClaimDispute.id == dispute_id)
    return session.scalars(query.with_for_update() if for_update else query).first()


def events_of(session: Session, claim_id: str) -> Sequence[ClaimEvent]:
    return session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim_id)
                           .order_by(ClaimEvent.at, ClaimEvent.id)).all()
