"""All audit-trail SQL: append an event, read a page of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clearinghouse.core.tables import AuditEvent


def add_audit(session: Session, **values: Any) -> None:
    session.add(AuditEvent(**values))


def list_audit(
    session: Session,
    *,
    entity_type: str | None,
    entity_id: str | None,
    actor: str | None,
    offset: int,
    limit: int,
    action: str | None = None,
    newest_first: bool = False,
) -> tuple[Sequence[AuditEvent], int]:
    query = select(AuditEvent)
    if action:
        # `holding` finds every holding.* action; `holding.accept` that one.
        query = query.where(AuditEvent.action.like(f"{action}%") if "." not in action
                            else AuditEvent.action == action)
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    if actor:
        query = query.where(AuditEvent.actor_party_id == actor)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = AuditEvent.id.desc() if newest_first else AuditEvent.id
    rows = session.scalars(query.order_by(order).offset(offset).limit(limit)).all()
    return rows, total

