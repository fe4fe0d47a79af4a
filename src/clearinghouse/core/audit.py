"""Append-only audit trail: who changed what, when, with the state before and after."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from clearinghouse.core import audit_repository as repository
from clearinghouse.core.clock import utcnow


class Actor(Protocol):
    """Who acted, as the trail records it (access.domain.Principal is one; core imports no feature)."""

    @property
    def party_id(self) -> str: ...

    @property
    def key_id(self) -> str | None: ...


def snapshot(obj: Any) -> dict[str, Any]:
    """Column values of a mapped object as JSON-safe data."""
    out: dict[str, Any] = {}
    for attr in inspect(obj).mapper.column_attrs:
        value = getattr(obj, attr.key)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[attr.key] = value
    return out


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    repository.add_audit(
        session,
        at=utcnow(),
        actor_party_id=actor.party_id if actor else None,
        actor_key_id=actor.key_id if actor else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
    )
