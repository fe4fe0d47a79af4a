"""All SQL of usage claims."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from clearinghouse.royalties.claims.domain import ClaimStatus, Item
from clearinghouse.royalties.claims.tables import UsageClaim


def add(session: Session, claim: UsageClaim) -> UsageClaim:
    session.add(claim)
    session.flush()
    return claim


def get(session: Session, claim_id: str) -> UsageClaim | None:
    return session.get(UsageClaim, claim_id)


def _same_item(item: Item) -> list[Any]:
    # NULL never equals NULL in SQL: a missing identifier or title is compared as missing.
    return [UsageClaim.period == item.period, UsageClaim.reason == item.reason,
            UsageClaim.identifier.is_(None) if item.identifier is None
            else UsageClaim.identifier == item.identifier,
            UsageClaim.title.is_(None) if item.title is None else UsageClaim.title == item.title]


def pending_claim_of(session: Session, claimant_id: str, item: Item) -> UsageClaim | None:
    return session.scalars(select(UsageClaim).where(
        UsageClaim.claimant_id == claimant_id, UsageClaim.status == ClaimStatus.PENDING,
        *_same_item(item)).order_by(UsageClaim.id).limit(1)).first()


def accepted_on_alias(session: Session, scheme: str, value: str) -> UsageClaim | None:
    return session.scalars(select(UsageClaim).where(
        UsageClaim.alias_scheme == scheme, UsageClaim.alias_value == value,
        UsageClaim.status == ClaimStatus.ACCEPTED).order_by(UsageClaim.id).limit(1)).first()


def rivals(session: Session, claim: UsageClaim) -> Sequence[UsageClaim]:
    """Other pending claims that would give the same item or alias another work."""
    return session.scalars(select(UsageClaim).where(
        UsageClaim.id != claim.id, UsageClaim.status == ClaimStatus.PENDING,
        or_(and_(*_same_item(Item(claim.period, claim.reason, claim.identifier, claim.title))),
            (UsageClaim.alias_scheme == claim.alias_scheme)
            & (UsageClaim.alias_value == claim.alias_value)
            & (UsageClaim.work_id != claim.work_id)),
    ).order_by(UsageClaim.id).with_for_update()).all()


def page(session: Session, *, party_id: str | None, status: str | None, offset: int,
         limit: int) -> tuple[Sequence[UsageClaim], int]:
    """Claims newest first: one party's (claimed for it or filed by it), or everyone's."""
    query = select(UsageClaim)
    if party_id is not None:
        query = query.where(or_(UsageClaim.claimant_id == party_id,
                                UsageClaim.filed_by_id == party_id))
    if status is not None:
        query = query.where(UsageClaim.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(UsageClaim.created_at.desc(), UsageClaim.id.desc())
                           .offset(offset).limit(limit)).all()
    return rows, total


def accepted_aliases() -> Select[*tuple[Any, ...]]:
    """(scheme, value, work id) of accepted claims, one work per alias (the service accepts no
    second work for an alias; the smallest id stands should two ever race)."""
    return (select(UsageClaim.alias_scheme, UsageClaim.alias_value, func.min(UsageClaim.work_id))
            .where(UsageClaim.status == ClaimStatus.ACCEPTED)
            .group_by(UsageClaim.alias_scheme, UsageClaim.alias_value))
